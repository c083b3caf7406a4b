"""File formats that carry secrets: how a value is assigned, read from the environment, and
what ordinary lines around it look like, one `Lang` per format.

A carrier writes a realistic file (header, filler, the assignments, footer) and reports the
1-based line each labelled value landed on, so labels never drift from the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from tokens import Rand

WORDS = [
    "user", "order", "invoice", "account", "session", "cache", "queue", "report", "payment",
    "customer", "product", "cart", "shipment", "metric", "event", "tenant", "profile", "upload",
    "search", "notification", "ledger", "audit", "export", "webhook", "catalog", "billing",
]
SERVICES = ["billing", "orders", "gateway", "worker", "notifier", "search", "auth", "reports", "ingest", "web"]
DIRS = ["", "config/", "deploy/", "src/", "app/", "services/{svc}/", "infra/", "scripts/", "ops/{svc}/", "internal/{svc}/"]


def words(name: str) -> list[str]:
    if "_" in name:
        return [p.lower() for p in name.split("_") if p]
    return [p.lower() for p in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name)] or [name.lower()]


def style(name: str, how: str) -> str:
    w = words(name)
    if how == "upper":
        return "_".join(x.upper() for x in w)
    if how == "snake":
        return "_".join(w)
    if how == "camel":
        return w[0] + "".join(x.capitalize() for x in w[1:])
    if how == "pascal":
        return "".join(x.capitalize() for x in w)
    if how == "dotted":
        return ".".join(w)
    if how == "kebab":
        return "-".join(w)
    raise ValueError(how)


def q(value: str, quote: str = '"') -> str:
    """Quote a value for a C-like string literal (escape backslashes and the quote)."""
    return quote + value.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


@dataclass
class Lang:
    key: str
    paths: list[str]
    style: str
    assign: Callable[[str, str, bool], str]
    env_read: Callable[[str], str]
    header: Callable[[Rand], list[str]] = lambda g: []
    footer: Callable[[Rand], list[str]] = lambda g: []
    filler: Callable[[Rand], list[str]] = lambda g: []
    # Characters a value may not contain in this format (it would need escaping we skip).
    forbid: str = ""
    extra: dict = field(default_factory=dict)


def w(g: Rand) -> str:
    return g.pick(WORDS)


def path_for(g: Rand, lang: Lang) -> str:
    d = g.pick(DIRS).format(svc=g.pick(SERVICES))
    name = g.pick(lang.paths).format(w=w(g), svc=g.pick(SERVICES), n=g.int(1, 9))
    if name.startswith("/"):
        return name[1:]
    return name if "/" in name else d + name


# ------------------------------------------------------------------- fillers


def f_env(g):
    return g.pick([
        [f"APP_ENV={g.pick(['production', 'staging', 'development'])}"],
        [f"PORT={g.pick(['3000', '8080', '8000', '5000'])}"],
        [f"LOG_LEVEL={g.pick(['info', 'debug', 'warn'])}"],
        [f"# {g.pick(['Database', 'Cache', 'Third-party services', 'Feature flags', 'Email'])}"],
        [f"{w(g).upper()}_TIMEOUT_MS={g.int(100, 30000)}"],
        [f"{w(g).upper()}_SERVICE_URL=http://{g.pick(SERVICES)}:{g.int(3000, 9000)}"],
        [f"FEATURE_{w(g).upper()}_ENABLED={g.pick(['true', 'false'])}"],
        [""],
        [f"REDIS_HOST={g.pick(['localhost', 'redis', 'cache.internal'])}"],
        [f"AWS_REGION={g.pick(['us-east-1', 'eu-west-1', 'ap-southeast-2'])}"],
    ])


def f_yaml(g, indent="  "):
    return g.pick([
        [f"{indent}{w(g)}_timeout: {g.int(1, 120)}s"],
        [f"{indent}replicas: {g.int(1, 8)}"],
        [f"{indent}host: {g.pick(SERVICES)}.internal"],
        [f"{indent}enabled: {g.pick(['true', 'false'])}"],
        [f"{indent}# {g.pick(['keep in sync with the chart', 'see RUNBOOK.md', 'tuned for prod load'])}"],
        [f"{indent}log_level: {g.pick(['info', 'debug'])}"],
        [f"{indent}region: {g.pick(['us-east-1', 'europe-west1', 'westeurope'])}"],
    ])


def f_json(g):
    return [f'"{w(g)}{g.pick(["Timeout", "Limit", "Retries", "Port"])}": {g.int(1, 9000)},']


def f_hash(g):
    return g.pick([["#"], [f"# {g.pick(['TODO: move to vault', 'set by deploy script', 'do not edit', 'defaults for local dev'])}"]])


def f_py(g):
    a, b = w(g), w(g)
    return g.pick([
        [f"import {g.pick(['os', 'json', 'logging', 'requests', 'boto3', 'datetime'])}"],
        ["", "", f"def get_{a}(client, {b}_id):", f'    """Fetch one {a} for the given {b}."""', f"    resp = client.get(f\"/{a}s/{{{b}_id}}\")", "    resp.raise_for_status()", "    return resp.json()"],
        [f"logger = logging.getLogger(__name__)"],
        [f"{a.upper()}_PAGE_SIZE = {g.int(10, 500)}"],
        ["", "", f"class {a.capitalize()}Service:", f"    def __init__(self, repo):", f"        self.repo = repo", "", f"    def list(self, limit=50):", f"        return self.repo.find_{b}s(limit=limit)"],
        [f"# {g.pick(['retry with backoff', 'see docs/config.md', 'legacy settings, do not reorder'])}"],
    ])


def f_js(g, semi=";"):
    a, b = w(g), w(g)
    return g.pick([
        [f"import {{ {a}Router }} from './{a}'{semi}"],
        [f"const {a}Limit = {g.int(10, 500)}{semi}"],
        ["", f"export async function fetch{a.capitalize()}(id) {{", f"  const res = await fetch(`/api/{a}s/${{id}}`){semi}", f"  if (!res.ok) throw new Error('{a} not found'){semi}", f"  return res.json(){semi}", "}"],
        [f"// {g.pick(['TODO: paginate', 'keep in sync with the backend', 'cached for 5 minutes'])}"],
        [f"const {b}Url = `${{BASE_URL}}/{b}s`{semi}"],
    ])


def f_go(g):
    a = w(g)
    return g.pick([
        [f'\tlog.Printf("loading {a} settings")'],
        [f"\t{a}Timeout := {g.int(1, 60)} * time.Second"],
        [f"\tif err != nil {{", f'\t\treturn nil, fmt.Errorf("load {a}: %w", err)', "\t}"],
        [f"\t// {g.pick(['defaults match production', 'override with flags'])}"],
    ])


def f_java(g):
    a = w(g)
    return g.pick([
        [f"    private static final int {a.upper()}_LIMIT = {g.int(10, 500)};"],
        [f"    private final {a.capitalize()}Repository {a}Repository;"],
        ["", f"    public {a.capitalize()} find{a.capitalize()}(long id) {{", f"        return {a}Repository.findById(id).orElseThrow();", "    }"],
        [f"    // {g.pick(['injected by Spring', 'see application.yml'])}"],
    ])


def f_cs(g):
    a = w(g)
    return g.pick([
        [f"        private const int {a.capitalize()}Limit = {g.int(10, 500)};"],
        ["", f"        public async Task<{a.capitalize()}> Get{a.capitalize()}Async(int id)", "        {", f"            return await _db.{a.capitalize()}s.FindAsync(id);", "        }"],
        [f"        // {g.pick(['registered in Startup', 'TODO: move to Key Vault'])}"],
    ])


def f_rb(g):
    a = w(g)
    return g.pick([
        [f"  config.{a}_limit = {g.int(10, 500)}"],
        ["", f"  def find_{a}(id)", f"    {a.capitalize()}.find(id)", "  end"],
        [f"  # {g.pick(['set per environment', 'see config/initializers'])}"],
    ])


def f_php(g):
    a = w(g)
    return g.pick([
        [f"    '{a}_limit' => {g.int(10, 500)},"],
        [f"    // {g.pick(['see .env', 'Laravel default'])}"],
        [f"    '{a}_driver' => '{g.pick(['redis', 'database', 'file'])}',"],
    ])


def f_rs(g):
    a = w(g)
    return g.pick([
        [f"const {a.upper()}_LIMIT: usize = {g.int(10, 500)};"],
        ["", f"fn {a}_url(base: &str) -> String {{", f'    format!("{{base}}/{a}s")', "}"],
        [f"// {g.pick(['keep in sync with the server', 'defaults for tests'])}"],
    ])


def f_sh(g):
    a = w(g)
    return g.pick([
        ["set -euo pipefail"],
        [f'echo "deploying {a} service"'],
        [f"cd \"$(dirname \"$0\")/..\""],
        [f"kubectl rollout status deploy/{g.pick(SERVICES)} --timeout=120s"],
        [f"# {g.pick(['run from the repo root', 'requires jq'])}"],
    ])


def f_tf(g):
    return g.pick([
        [f'  region = "{g.pick(["us-east-1", "eu-west-1"])}"'],
        [f'  name   = "{g.pick(SERVICES)}-{g.pick(["prod", "staging"])}"'],
        [f"  # {g.pick(['managed by platform team', 'do not change without a plan'])}"],
        ['  tags = {', f'    team = "{g.pick(SERVICES)}"', "  }"],
    ])


def f_xml(g):
    return g.pick([
        [f'    <add key="{w(g).capitalize()}Limit" value="{g.int(10, 500)}" />'],
        [f"    <!-- {g.pick(['overridden in Release', 'see README'])} -->"],
        [f'    <add key="Environment" value="{g.pick(["Production", "Staging"])}" />'],
    ])


def f_md(g):
    a = w(g)
    return g.pick([
        [f"The {a} service reads its settings from the environment at start-up."],
        [""],
        [f"## {g.pick(['Configuration', 'Local development', 'Deploying', 'Troubleshooting'])}"],
        [f"- Run `make {g.pick(['dev', 'test', 'migrate'])}` before opening a pull request."],
        [f"Ask #{g.pick(['platform', 'payments', 'infra'])} for access if a value is missing."],
    ])


# ------------------------------------------------------------------- languages


def _hdr(lines):
    return lambda g: list(lines)


LANGS: dict[str, Lang] = {}


def _add(lang: Lang) -> None:
    LANGS[lang.key] = lang


_add(Lang("env", [".env", ".env.production", ".env.local", "{svc}.env", ".env.staging"], "upper",
          lambda n, v, raw: f"{n}={v}" if raw or " " not in v else f'{n}="{v}"',
          lambda n: "${" + n + "}", filler=f_env, forbid='"\n'))
_add(Lang("yaml", ["config.yml", "application.yml", "settings.yaml", "values.yaml", "{svc}.yaml"], "snake",
          lambda n, v, raw: f"  {n}: {v}" if raw else f'  {n}: "{v}"',
          lambda n: "${" + n.upper() + "}",
          header=lambda g: [f"{g.pick(SERVICES)}:"], filler=f_yaml, forbid='"\\\n'))
_add(Lang("json", ["config.json", "appsettings.json", "settings.json", "secrets.json", "{svc}.config.json"], "camel",
          lambda n, v, raw: f'  "{n}": {q(v)},',
          lambda n: "$" + "{" + n.upper() + "}",
          header=_hdr(["{"]), footer=lambda g: [f'  "version": {g.int(1, 9)}', "}"],
          filler=lambda g: ["  " + f_json(g)[0]], forbid='"\\\n'))
_add(Lang("toml", ["config.toml", "settings.toml", "{svc}.toml", "Rocket.toml"], "snake",
          lambda n, v, raw: f"{n} = {v if raw else q(v)}",
          lambda n: '"${' + n.upper() + '}"',
          header=lambda g: [f"[{g.pick(['server', 'database', 'providers', 'default'])}]"],
          filler=lambda g: [f"{w(g)}_limit = {g.int(1, 99)}"], forbid='"\\\n'))
_add(Lang("ini", ["config.ini", "settings.cfg", "{svc}.ini", "app.conf"], "snake",
          lambda n, v, raw: f"{n} = {v}",
          lambda n: "%(" + n + ")s",
          header=lambda g: [f"[{g.pick(['main', 'database', 'api', 'mail'])}]"],
          filler=lambda g: [f"{w(g)}_limit = {g.int(1, 99)}"], forbid="\n"))
_add(Lang("properties", ["application.properties", "config.properties", "{svc}.properties", "gradle.properties"], "dotted",
          lambda n, v, raw: f"{n}={v}",
          lambda n: "${" + n.replace(".", "_").upper() + "}",
          header=lambda g: [f"spring.application.name={g.pick(SERVICES)}"],
          filler=lambda g: g.pick([[f"server.port={g.int(3000, 9000)}"], [f"logging.level.root={g.pick(['INFO', 'WARN'])}"], ["# datasource"]]), forbid="\n"))
_add(Lang("py", ["settings.py", "config.py", "{w}_client.py", "local_settings.py", "conftest.py"], "upper",
          lambda n, v, raw: f"{n} = {v if raw else q(v)}",
          lambda n: f'os.environ["{n}"]' if len(n) % 2 else f'os.getenv("{n}")',
          header=lambda g: ['"""Settings for the ' + g.pick(SERVICES) + ' service."""', "import os", ""], filler=f_py, forbid='"\\\n'))
_add(Lang("js", ["config.js", "{w}.js", "server.js", "index.js", "webpack.config.js"], "camel",
          lambda n, v, raw: f"const {n} = {v if raw else q(v, chr(39))};",
          lambda n: "process.env." + style(n, "upper"),
          header=lambda g: ["'use strict';", ""], filler=f_js, forbid="'\\\n"))
_add(Lang("ts", ["config.ts", "{w}.service.ts", "env.ts", "client.ts"], "camel",
          lambda n, v, raw: f"export const {n}: string = {v if raw else q(v)};",
          lambda n: "process.env." + style(n, "upper") + " ?? ''",
          header=lambda g: ["import { Injectable } from '@nestjs/common';", ""], filler=f_js, forbid='"\\\n'))
_add(Lang("go", ["config.go", "{w}.go", "main.go", "client.go"], "camel",
          lambda n, v, raw: f"\t{n} := {v if raw else q(v)}",
          lambda n: f'os.Getenv("{style(n, "upper")}")',
          header=lambda g: ["package config", "", "import (", '\t"fmt"', '\t"log"', '\t"os"', '\t"time"', ")", "", "func Load() (*Config, error) {"],
          footer=lambda g: ["\treturn &Config{}, nil", "}"], filler=f_go, forbid='"\\\n'))
_add(Lang("java", ["src/main/java/com/acme/{svc}/Config.java", "src/main/java/com/acme/{svc}/ApiClient.java"], "upper",
          lambda n, v, raw: f"    private static final String {n} = {v if raw else q(v)};",
          lambda n: f'System.getenv("{n}")',
          header=lambda g: [f"package com.acme.{g.pick(SERVICES)};", "", "import java.util.Optional;", "", "public class Config {"],
          footer=_hdr(["}"]), filler=f_java, forbid='"\\\n'))
_add(Lang("cs", ["Startup.cs", "Services/{svc}Client.cs", "Program.cs"], "pascal",
          lambda n, v, raw: f"        private static readonly string {n} = {v if raw else q(v)};",
          lambda n: f'Environment.GetEnvironmentVariable("{style(n, "upper")}")',
          header=lambda g: ["using System;", "using System.Threading.Tasks;", "", f"namespace Acme.{g.pick(SERVICES).capitalize()}", "{", "    public class Settings", "    {"],
          footer=_hdr(["    }", "}"]), filler=f_cs, forbid='"\\\n'))
_add(Lang("rb", ["config/initializers/{w}.rb", "lib/{w}_client.rb", "config/application.rb"], "snake",
          lambda n, v, raw: f"  config.{n} = {v if raw else q(v, chr(39))}",
          lambda n: f"ENV.fetch('{style(n, 'upper')}')",
          header=lambda g: ["Rails.application.configure do"], footer=_hdr(["end"]), filler=f_rb, forbid="'\\\n"))
_add(Lang("php", ["config/services.php", "config/{w}.php", "wp-config.php"], "snake",
          lambda n, v, raw: f"    '{n}' => {v if raw else q(v, chr(39))},",
          lambda n: f"env('{style(n, 'upper')}')",
          header=_hdr(["<?php", "", "return ["]), footer=_hdr(["];"]), filler=f_php, forbid="'\\\n"))
_add(Lang("rs", ["src/config.rs", "src/{w}.rs", "src/main.rs"], "upper",
          lambda n, v, raw: f"const {n}: &str = {v if raw else q(v)};",
          lambda n: f'std::env::var("{n}")?',
          header=_hdr(["use std::time::Duration;", ""]), filler=f_rs, forbid='"\\\n'))
_add(Lang("sh", ["deploy.sh", "scripts/{w}.sh", "bootstrap.sh", "ci/release.sh", ".bashrc"], "upper",
          lambda n, v, raw: f"export {n}={v}" if raw else f'export {n}="{v}"',
          lambda n: '"${' + n + ':?missing}"',
          header=_hdr(["#!/usr/bin/env bash"]), filler=f_sh, forbid='"$`\\\n'))
_add(Lang("dockerfile", ["Dockerfile", "docker/{svc}.Dockerfile", "Dockerfile.prod"], "upper",
          lambda n, v, raw: f"ENV {n}={v}" if raw or " " not in v else f'ENV {n}="{v}"',
          lambda n: "${" + n + "}",
          header=lambda g: [f"FROM {g.pick(['node:20-alpine', 'python:3.12-slim', 'golang:1.22', 'eclipse-temurin:21-jre'])}", "WORKDIR /app"],
          footer=lambda g: ["COPY . .", f"RUN {g.pick(['npm ci', 'pip install -r requirements.txt', 'go build -o /bin/app ./cmd/app'])}", f"CMD [\"{g.pick(['node', 'python', '/bin/app'])}\"]"],
          filler=lambda g: [g.pick(["EXPOSE 8080", "RUN apk add --no-cache curl", "USER app", "ENV NODE_ENV=production"])], forbid='"\n'))
_add(Lang("tf", ["main.tf", "providers.tf", "{svc}.tf", "terraform.tfvars"], "snake",
          lambda n, v, raw: f"  {n} = {v if raw else q(v)}",
          lambda n: "var." + style(n, "snake"),
          header=lambda g: [g.pick(['provider "aws" {', 'resource "aws_lambda_function" "handler" {', 'module "app" {', 'provider "datadog" {'])],
          footer=_hdr(["}"]), filler=f_tf, forbid='"\\\n$'))
_add(Lang("gha", [".github/workflows/{w}.yml", ".github/workflows/deploy.yml", ".github/workflows/ci.yml"], "upper",
          lambda n, v, raw: f"      {n}: {v}" if raw else f"      {n}: '{v}'",
          lambda n: "${{ secrets." + n + " }}",
          header=lambda g: [f"name: {g.pick(['CI', 'Deploy', 'Release'])}", "on:", "  push:", "    branches: [main]", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    env:"],
          footer=lambda g: ["    steps:", "      - uses: actions/checkout@v4", f"      - run: {g.pick(['make test', 'npm test', './deploy.sh'])}"],
          filler=lambda g: [f"      {g.pick(['NODE_VERSION', 'GO_VERSION', 'CI'])}: '{g.pick(['20', '1.22', 'true'])}'"], forbid="'\n"))
_add(Lang("gitlabci", ["/.gitlab-ci.yml"], "upper",
          lambda n, v, raw: f"  {n}: {v}" if raw else f'  {n}: "{v}"',
          lambda n: "$" + n,
          header=_hdr(["stages: [test, deploy]", "", "variables:"]),
          footer=lambda g: ["", "deploy:", "  stage: deploy", "  script:", f"    - {g.pick(['./deploy.sh', 'helm upgrade --install app ./chart'])}"],
          filler=lambda g: [f"  {g.pick(['DOCKER_DRIVER', 'GIT_DEPTH', 'FF_USE_FASTZIP'])}: \"{g.pick(['overlay2', '10', 'true'])}\""], forbid='"\\\n'))
_add(Lang("compose", ["docker-compose.yml", "compose.yaml", "docker-compose.prod.yml"], "upper",
          lambda n, v, raw: f"      - {n}={v}",
          lambda n: "${" + n + "}",
          header=lambda g: ["services:", f"  {g.pick(SERVICES)}:", f"    image: {g.pick(['postgres:16', 'acme/api:1.4.2', 'redis:7', 'ghcr.io/acme/worker:latest'])}", "    restart: unless-stopped", "    environment:"],
          footer=lambda g: ["    ports:", f'      - "{g.int(3000, 9000)}:{g.int(3000, 9000)}"'],
          filler=lambda g: [f"      - {g.pick(['TZ=UTC', 'LOG_LEVEL=info', 'PGDATA=/var/lib/postgresql/data'])}"], forbid="\n"))
_add(Lang("xml", ["Web.config", "App.config", "settings.xml", "{svc}.xml"], "pascal",
          lambda n, v, raw: f'    <add key="{n}" value="{v}" />',
          lambda n: "$(" + style(n, "upper") + ")",
          header=_hdr(['<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <appSettings>"]),
          footer=_hdr(["  </appSettings>", "</configuration>"]), filler=f_xml, forbid='"<>&\n'))
_add(Lang("md", ["README.md", "docs/setup.md", "docs/{w}.md", "CONTRIBUTING.md", "NOTES.md"], "upper",
          lambda n, v, raw: f"    export {n}={v}",
          lambda n: "$" + n,
          header=lambda g: [f"# {g.pick(SERVICES).capitalize()} service", ""], filler=f_md, forbid="\n"))

ASSIGN_LANGS = list(LANGS)
