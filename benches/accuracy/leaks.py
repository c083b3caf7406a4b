"""Corpus material for the shapes real leaks take beyond token formats (added after the rest of
the corpus, so the files before it stay the same for a seed).

Each section writes files the way people and tools write them, from the formats' documentation
and from how such files look in the wild, not from any scanner's rules:

- weak and human passwords in files whose format says every value is a credential (`.pgpass`,
  `.netrc`, `.git-credentials`, `wp-config.php`, `.env`, `.properties`, INI, `my.cnf`,
  `terraform.tfvars`, Compose files, Ansible inventories and variables), with the stand-ins that
  documentation and example copies hold as hard negatives;
- application secrets (WordPress keys and salts, Django, Rails, Laravel, Flask, Express, JWT and
  session secrets);
- AWS temporary credentials and key pairs in more shapes (STS JSON, `.s3cfg`, Terraform, URLs);
- provider credentials known only by a prefix or by the variable that holds them;
- credentials kept by developer and desktop tools (FTP/SFTP clients, editors' deployment
  settings, database GUIs, S3 and mail clients, browser exports), password hashes (shadow,
  passwd-files, htpasswd, SQL dumps) and passwords typed on command lines (shell histories);
- notebooks, labelled at the line of the `.ipynb` file itself;
- keys and tokens in test folders, which are still leaks (a scanner may lower their
  confidence, but must list them).
"""

from __future__ import annotations

import base64
import json

import carriers as C
import tokens as T
from tokens import Rand

WEAK = ["admin", "password", "pass123", "root", "toor", "postgres", "secret", "123456", "qwerty", "letmein",
        "welcome1", "admin123", "P@ssw0rd", "test", "guest", "mysql", "Password1", "abc123", "dbpass", "1234",
        "monkey", "dragon", "master", "changeit1"]
STAND_INS = ["changeme", "<password>", "${DB_PASSWORD}", "password_here", "your_password", "xxxxxxxx", "********",
             "TODO", "<your-password>", "{{ db_password }}"]
WP_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|"
DJANGO_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"
HOSTS = ["db.internal", "10.0.3.17", "prod-db.acme.io", "localhost", "pg-main.svc.cluster.local", "mysql-primary"]
USERS = ["app", "admin", "root", "postgres", "deploy", "billing", "wp", "backup", "ci"]


def weak_or_human(g: Rand) -> tuple[str, str]:
    """A password as people choose them: weak and common, or human-made."""
    if g.chance(0.55):
        return g.pick(WEAK), "weak"
    return T.human_password(g), "human"


def add(corpus, item_cls, place_assignments) -> None:
    """Adds every section to `corpus` (a generate.Corpus), with `item_cls` = generate.Item and
    `place_assignments` = generate.place_assignments."""
    Item = item_cls
    credential_files(corpus, Item)
    app_secrets(corpus, Item)
    aws_shapes(corpus, Item)
    place_assignments(corpus, provider_items(corpus.g, Item))
    provider_shapes(corpus, Item)
    client_configs(corpus, Item)
    password_hashes(corpus, Item)
    command_lines(corpus, Item)
    notebooks(corpus, Item)
    test_fixtures(corpus, Item)


# ------------------------------------------------------------------- credential files


def credential_files(corpus, Item) -> None:
    g = corpus.g
    fam = "weak_password"
    for _ in range(6):
        # .pgpass: every line is a login.
        d = corpus.doc(g.pick([".pgpass", "home/.pgpass", "ops/pgpass.conf"]))
        d.add("# hostname:port:database:username:password")
        for _ in range(g.int(1, 3)):
            pw, v = weak_or_human(g)
            pw = pw.replace(":", "")
            port = g.pick(["5432", "5433", "6432", "*", "25060", "5000"])
            d.put(f"{g.pick(HOSTS)}:{port}:{g.pick(['orders', '*', 'app'])}:{g.pick(USERS)}:{pw}", Item(fam, pw, "positive", "pgpass_" + v))
        # .netrc
        d = corpus.doc(g.pick([".netrc", "home/deploy/.netrc", "ci/netrc", "_netrc"]))
        pw, v = weak_or_human(g)
        host = g.pick(["ftp.acme.io", "git.acme.internal", "files.example.net", "nexus.acme.io"])
        if g.chance(0.5):
            d.add(f"machine {host}", f"  login {g.pick(USERS)}")
            d.put(f"  password {pw}", Item(fam, pw, "positive", "netrc_" + v))
        else:
            d.put(f"machine {host} login {g.pick(USERS)} password {pw}", Item(fam, pw, "positive", "netrc_" + v))
        # .git-credentials on a self-hosted server.
        d = corpus.doc(g.pick([".git-credentials", "home/me/.git-credentials"]))
        pw, v = weak_or_human(g)
        pw = pw.replace("@", "%40").replace(":", "%3A").replace("/", "%2F").replace("#", "%23").replace("?", "%3F")
        d.put(f"https://{g.pick(USERS)}:{pw}@{g.pick(['git.acme.internal', 'gitea.example.net', 'code.acme.io'])}", Item(fam, pw, "positive", "git_credentials_" + v))
        # wp-config.php
        d = corpus.doc(g.pick(["wp-config.php", "public_html/wp-config.php", "www/wordpress/wp-config.php"]))
        d.add("<?php", "/** The name of the database for WordPress */", f"define( 'DB_NAME', '{g.pick(['wordpress', 'wp_shop', 'blog'])}' );",
              "/** Database username */", f"define( 'DB_USER', '{g.pick(USERS)}' );", "/** Database password */")
        pw, v = weak_or_human(g)
        quote = g.pick(["'", '"'])
        d.put(f"define( {quote}DB_PASSWORD{quote}, {quote}{pw}{quote} );", Item(fam, pw, "positive", "wp_config_" + v))
        d.add("define( 'DB_HOST', 'localhost' );", "define( 'DB_CHARSET', 'utf8mb4' );")
        # .env
        d = corpus.doc(g.pick([".env", ".env.production", "backend/.env", "deploy/prod.env", ".env.local"]))
        d.add(f"APP_NAME={g.pick(C.SERVICES)}", "APP_ENV=production", f"DB_HOST={g.pick(HOSTS)}", f"DB_USERNAME={g.pick(USERS)}")
        pw, v = weak_or_human(g)
        name = g.pick(["DB_PASSWORD", "MYSQL_PASSWORD", "REDIS_PASSWORD", "MAIL_PASSWORD", "POSTGRES_PASSWORD", "SMTP_PASS", "DB_PASS"])
        line = f"{name}={pw}" if g.chance(0.6) else f'{name}="{pw}"'
        d.put(line, Item(fam, pw, "positive", "env_" + v))
        # application.properties
        d = corpus.doc(g.pick(["src/main/resources/application.properties", "config/application-prod.properties", "gradle.properties"]))
        d.add(f"spring.application.name={g.pick(C.SERVICES)}", f"spring.datasource.url=jdbc:postgresql://{g.pick(HOSTS)}:5432/app",
              f"spring.datasource.username={g.pick(USERS)}")
        pw, v = weak_or_human(g)
        d.put(f"{g.pick(['spring.datasource.password', 'spring.mail.password', 'app.keystore.password', 'ldap.bind.password'])}={pw}", Item(fam, pw, "positive", "properties_" + v))
        # settings.ini / my.cnf / *.cfg
        d = corpus.doc(g.pick(["settings.ini", "config/settings.ini", "home/.my.cnf", "etc/mysql/my.cnf", "app.cfg", "odbc.ini"]))
        d.add(g.pick(["[client]", "[database]", "[mysql]"]), f"user = {g.pick(USERS)}", f"host = {g.pick(HOSTS)}")
        pw, v = weak_or_human(g)
        d.put(f"password = {pw}" if g.chance(0.5) else f"password={pw}", Item(fam, pw, "positive", "ini_" + v))
        # terraform.tfvars
        d = corpus.doc(g.pick(["terraform.tfvars", "infra/prod.auto.tfvars", "envs/staging/terraform.tfvars"]))
        d.add(f'region = "{g.pick(["eu-west-1", "us-east-1"])}"', f'db_username = "{g.pick(USERS)}"')
        pw, v = weak_or_human(g)
        d.put(f'{g.pick(["db_password", "rds_master_password", "admin_password"])} = "{pw}"', Item(fam, pw, "positive", "tfvars_" + v))
        # docker-compose
        d = corpus.doc(g.pick(["docker-compose.yml", "compose.yaml", "docker-compose.dev.yml", "deploy/docker-compose.prod.yml"]))
        image, var = g.pick([("postgres:16", "POSTGRES_PASSWORD"), ("mysql:8", "MYSQL_ROOT_PASSWORD"), ("mariadb:11", "MARIADB_PASSWORD"), ("rabbitmq:3", "RABBITMQ_DEFAULT_PASS")])
        d.add("services:", "  db:", f"    image: {image}", "    environment:")
        pw, v = weak_or_human(g)
        if g.chance(0.5):
            d.put(f"      {var}: {pw}" if g.chance(0.5) else f'      {var}: "{pw}"', Item(fam, pw, "positive", "compose_" + v))
        else:
            d.put(f"      - {var}={pw}", Item(fam, pw, "positive", "compose_" + v))
        d.add("    volumes:", "      - db-data:/var/lib/postgresql/data")
        # Ansible
        d = corpus.doc(g.pick(["inventory/hosts", "inventory.ini", "hosts", "group_vars/all.yml", "host_vars/db1.yml"]))
        pw, v = weak_or_human(g)
        if d.path.endswith(".yml"):
            d.add("---", f"ansible_user: {g.pick(USERS)}")
            d.put(f"{g.pick(['ansible_become_pass', 'ansible_password', 'mysql_root_password', 'db_password'])}: {pw}", Item(fam, pw, "positive", "ansible_" + v))
        else:
            d.add("[web]")
            d.put(f"web1.acme.internal ansible_host=10.0.3.{g.int(2, 250)} ansible_user={g.pick(USERS)} {g.pick(['ansible_ssh_pass', 'ansible_password', 'ansible_become_pass'])}={pw.replace(' ', '')}",
                  Item(fam, pw.replace(" ", ""), "positive", "ansible_" + v))
    # Stand-ins where a value goes, and example copies: not credentials.
    for _ in range(16):
        s = g.pick(STAND_INS)
        kind = g.int(0, 5)
        if kind == 0:
            d = corpus.doc(g.pick([".env", ".env.production", "deploy/.env"]))
            d.put(f"DB_PASSWORD={s}", Item(fam, s, "negative", "placeholder"))
        elif kind == 1:
            d = corpus.doc(g.pick(["wp-config-sample.php", "wp-config.php"]))
            d.put("define( 'DB_PASSWORD', 'password_here' );", Item(fam, "password_here", "negative", "placeholder"))
        elif kind == 2:
            d = corpus.doc(g.pick([".env.example", ".env.sample", ".env.dist", "config/settings.ini.example"]))
            pw = g.pick(WEAK)
            d.put(f"DB_PASSWORD={pw}" if "env" in d.path else f"password = {pw}", Item(fam, pw, "negative", "example_file"))
        elif kind == 3:
            d = corpus.doc(g.pick([".pgpass", "home/.pgpass"]))
            d.put(f"localhost:5432:*:postgres:{s}", Item(fam, s, "negative", "placeholder"))
        elif kind == 4:
            d = corpus.doc(g.pick(["docker-compose.yml", "compose.yaml"]))
            d.add("services:", "  db:", "    environment:")
            ref = "${POSTGRES_PASSWORD}"
            d.put(f"      POSTGRES_PASSWORD: {ref}", Item(fam, ref, "negative", "env_read"))
        else:
            d = corpus.doc(g.pick(["group_vars/all.yml", "host_vars/web1.yml"]))
            ref = "{{ vault_db_password }}"
            d.put(f'db_password: "{ref}"', Item(fam, ref, "negative", "template"))


# ------------------------------------------------------------------- application secrets


def app_secrets(corpus, Item) -> None:
    g = corpus.g
    fam = "app_secret"
    for i in range(12):
        # WordPress keys and salts, as the secret-key service prints them.
        d = corpus.doc(g.pick(["wp-config.php", "site/wp-config.php"]))
        d.add("<?php", "define( 'DB_NAME', 'wordpress' );")
        for name in g.sample(["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"], 2):
            v = g.s(64, WP_CHARS).replace("'", "").replace("\\", "")
            d.put(f"define('{name}',{' ' * (17 - len(name))}'{v}');", Item(fam, v, "positive", "wordpress_salt"))
        # Django settings.
        d = corpus.doc(g.pick(["mysite/settings.py", "app/settings/production.py", "config/settings/base.py", "project/settings.py"]))
        d.add('"""Django settings."""', "from pathlib import Path", "", "BASE_DIR = Path(__file__).resolve().parent.parent", "")
        v = ("django-insecure-" if i % 3 == 0 else "") + g.s(50, DJANGO_CHARS)
        d.put(f"SECRET_KEY = '{v}'" if i % 4 != 1 else f'SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "{v}")', Item(fam, v, "positive", "django"))
        d.add("", "DEBUG = False", "ALLOWED_HOSTS = ['acme.io']")
        # Rails.
        if i % 2 == 0:
            d = corpus.doc(g.pick(["config/master.key", "app/config/master.key", "config/credentials/production.key"]))
            v = g.hex(32)
            d.put(v, Item(fam, v, "positive", "rails_master_key"))
        else:
            d = corpus.doc(g.pick(["config/secrets.yml", "app/config/secrets.yml"]))
            d.add("development:")
            v = g.hex(128)
            d.put(f"  secret_key_base: {v}", Item(fam, v, "positive", "rails_secret_key_base"))
            d.add("production:", '  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>')
        # Laravel.
        d = corpus.doc(g.pick([".env", "laravel/.env", "api/.env"]))
        d.add("APP_NAME=Laravel", "APP_ENV=production")
        v = "base64:" + g.b64(32)
        d.put(f"APP_KEY={v}", Item(fam, v, "positive", "laravel"))
        d.add("APP_DEBUG=false", "APP_URL=https://acme.io")
        # Flask / Express / JWT / session secrets.
        kind = i % 4
        if kind == 0:
            d = corpus.doc(g.pick(["app.py", "app/__init__.py", "server/main.py"]))
            v = g.pick([g.s(g.int(16, 32), T.ALNUM + "-_!"), g.hex(24), "dev-" + g.s(8, T.LOWER_ALNUM)])
            d.add("from flask import Flask", "", "app = Flask(__name__)")
            d.put(g.pick([f"app.secret_key = '{v}'", f'app.config["SECRET_KEY"] = "{v}"', f"app.config.update(SECRET_KEY='{v}')"]), Item(fam, v, "positive", "flask"))
        elif kind == 1:
            d = corpus.doc(g.pick(["server.js", "app.js", "src/index.js"]))
            v = g.pick([g.s(g.int(12, 32), T.ALNUM), "s3ss10n-" + g.s(10, T.ALNUM)])
            d.add("const express = require('express');", "const session = require('express-session');", "const app = express();", "app.use(session({")
            d.put(f"  secret: '{v}',", Item(fam, v, "positive", "express"))
            d.add("  resave: false,", "  saveUninitialized: true", "}));")
        elif kind == 2:
            d = corpus.doc(g.pick([".env", "api/.env", "config/.env.production", "config/default.json"]))
            v = g.pick([g.s(g.int(16, 48), T.ALNUM), g.hex(64), "jwt-" + g.s(12, T.ALNUM), g.pick(["secret", "supersecret", "mysecretkey"])])
            if d.path.endswith(".json"):
                d.add("{", '  "port": 8080,')
                d.put(f'  "jwtSecret": "{v}",', Item(fam, v, "positive", "jwt"))
                d.add('  "logLevel": "info"', "}")
            else:
                d.put(f"{g.pick(['JWT_SECRET', 'JWT_SECRET_KEY', 'JWT_SIGNING_KEY'])}={v}", Item(fam, v, "positive", "jwt"))
        else:
            d = corpus.doc(g.pick([".env", "web/.env.local", ".env.production"]))
            v = g.pick([g.b64(32), g.hex(32), g.s(32, T.ALNUM)])
            d.put(f"{g.pick(['NEXTAUTH_SECRET', 'SESSION_SECRET', 'COOKIE_SECRET', 'APP_SECRET', 'AUTH_SECRET'])}={v}", Item(fam, v, "positive", "session"))
    # Placeholders and reads from the environment.
    for i in range(10):
        kind = i % 5
        if kind == 0:
            d = corpus.doc("wp-config-sample.php")
            v = "put your unique phrase here"
            d.put(f"define( 'AUTH_KEY',         '{v}' );", Item(fam, v, "negative", "placeholder"))
        elif kind == 1:
            d = corpus.doc(g.pick(["mysite/settings.py", "app/settings/production.py"]))
            v = 'os.environ["DJANGO_SECRET_KEY"]'
            d.put(f"SECRET_KEY = {v}", Item(fam, v, "negative", "env_read"))
        elif kind == 2:
            d = corpus.doc(g.pick([".env.example", "laravel/.env.example"]))
            d.add("APP_NAME=Laravel")
            d.put("APP_KEY=", Item(fam, "APP_KEY=", "negative", "placeholder"))
        elif kind == 3:
            d = corpus.doc("config/secrets.yml")
            v = '<%= ENV["SECRET_KEY_BASE"] %>'
            d.put(f"  secret_key_base: {v}", Item(fam, v, "negative", "template"))
        else:
            d = corpus.doc(g.pick([".env", "api/.env"]))
            v = g.pick(["your-jwt-secret", "${JWT_SECRET}", "<jwt-secret>", "change-me-jwt-secret"])
            d.put(f"JWT_SECRET={v}", Item(fam, v, "negative", "placeholder"))


# ------------------------------------------------------------------- AWS


def aws_shapes(corpus, Item) -> None:
    g = corpus.g
    for i in range(12):
        kid = ("ASIA" if i % 2 else "AKIA") + g.s(16, T.BASE32)
        sec = g.s(40, T.B64)
        tok = T.aws_session_token(g)
        kind = i % 6
        if kind == 0:
            # An STS / credential_process response.
            d = corpus.doc(g.pick(["creds.json", "tmp/sts-output.json", "scripts/assume-role.json"]))
            kid = "ASIA" + kid[4:]
            d.add("{", '    "Credentials": {')
            d.put(f'        "AccessKeyId": "{kid}",', Item("aws", kid, "positive", "temp_access_key_id"))
            d.put(f'        "SecretAccessKey": "{sec}",', Item("aws", sec, "positive", "secret_access_key"))
            d.put(f'        "SessionToken": "{tok}",', Item("aws", tok, "positive", "session_token"))
            d.add('        "Expiration": "2024-06-11T10:00:00Z"', "    }", "}")
        elif kind == 1:
            d = corpus.doc(g.pick([".s3cfg", "home/ops/.s3cfg"]))
            d.add("[default]")
            d.put(f"access_key = {kid}", Item("aws", kid, "positive", "access_key_id"))
            d.add("host_base = s3.amazonaws.com", "host_bucket = %(bucket)s.s3.amazonaws.com")
            d.put(f"secret_key = {sec}", Item("aws", sec, "positive", "secret_access_key"))
            d.add("use_https = True")
        elif kind == 2:
            d = corpus.doc(g.pick(["main.tf", "providers.tf", "infra/aws.tf"]))
            d.add('provider "aws" {', '  region     = "eu-west-1"')
            d.put(f'  access_key = "{kid}"', Item("aws", kid, "positive", "access_key_id"))
            d.put(f'  secret_key = "{sec}"', Item("aws", sec, "positive", "secret_access_key"))
            d.add("}")
        elif kind == 3:
            d = corpus.doc(g.pick([".envrc", "scripts/env.sh", "home/.zshrc"]))
            kid = "ASIA" + kid[4:]
            d.put(f"export AWS_ACCESS_KEY_ID={kid}", Item("aws", kid, "positive", "temp_access_key_id"))
            d.put(f"export AWS_SECRET_ACCESS_KEY={sec}", Item("aws", sec, "positive", "secret_access_key"))
            d.put(f"export {g.pick(['AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'])}={tok}", Item("aws", tok, "positive", "session_token"))
        elif kind == 4:
            d = corpus.doc(g.pick(["src/aws.js", "lib/s3.ts", "src/upload.js"]))
            d.add("const { S3Client } = require('@aws-sdk/client-s3');", "const s3 = new S3Client({", "  region: 'us-east-1',", "  credentials: {")
            d.put(f"    accessKeyId: '{kid}',", Item("aws", kid, "positive", "access_key_id"))
            d.put(f"    secretAccessKey: '{sec}',", Item("aws", sec, "positive", "secret_access_key"))
            if i % 2:
                d.put(f"    sessionToken: '{tok}',", Item("aws", tok, "positive", "session_token"))
            d.add("  },", "});")
        else:
            # A presigned URL pasted into a ticket or a script.
            d = corpus.doc(g.pick(["docs/download.md", "scripts/fetch-report.sh", "notes.txt"]))
            enc = tok.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
            url = (f"https://acme-exports.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={'ASIA' + kid[4:]}%2F20240611%2Feu-west-1%2Fs3%2Faws4_request"
                   f"&X-Amz-Date=20240611T100000Z&X-Amz-Expires=3600&X-Amz-Security-Token={enc}&X-Amz-SignedHeaders=host&X-Amz-Signature={g.hex(64)}")
            d.put(f"curl -o report.csv '{url}'", Item("aws", enc, "positive", "session_token"))


# ------------------------------------------------------------------- providers


def provider_items(g: Rand, Item) -> list:
    """Assignment-style items of provider credentials, written by the generator's carriers."""
    makers = [
        ("flutterwave", "secret_key", lambda: "FLWSECK-" + g.hex(32) + "-X", ("FLW_SECRET_KEY", "FLUTTERWAVE_SECRET_KEY")),
        ("dropbox", "short_lived", lambda: "sl." + g.s(g.int(130, 140), T.B64URL), ("DROPBOX_ACCESS_TOKEN", "DROPBOX_TOKEN")),
        ("dropbox", "long_lived", lambda: g.s(11, T.LOWER_ALNUM) + "AAAAAAAAAA" + g.s(43, T.ALNUM + "-_"), ("DROPBOX_TOKEN", "DROPBOX_ACCESS_TOKEN")),
        ("twitter", "bearer", lambda: "A" * 22 + g.s(g.int(8, 12), T.ALNUM) + "%2B" + g.s(20, T.ALNUM) + "%3D" + g.s(50, T.ALNUM), ("TWITTER_BEARER_TOKEN", "X_BEARER_TOKEN")),
        ("twitter", "consumer_secret", lambda: g.s(50, T.ALNUM), ("TWITTER_CONSUMER_SECRET", "TWITTER_API_SECRET")),
        ("twitter", "access_token", lambda: g.digits(19) + "-" + g.s(40, T.ALNUM), ("TWITTER_ACCESS_TOKEN",)),
        ("woocommerce", "consumer_key", lambda: "ck_" + g.hex(40), ("WC_CONSUMER_KEY", "WOOCOMMERCE_CONSUMER_KEY")),
        ("woocommerce", "consumer_secret", lambda: "cs_" + g.hex(40), ("WC_CONSUMER_SECRET", "WOOCOMMERCE_CONSUMER_SECRET")),
        ("zendesk", "api_token", lambda: g.s(40, T.ALNUM), ("ZENDESK_API_TOKEN", "ZENDESK_TOKEN")),
        ("circleci", "legacy_token", lambda: g.hex(40), ("CIRCLECI_TOKEN", "CIRCLE_TOKEN", "CIRCLECI_API_TOKEN")),
        ("cloudflare", "global_key", lambda: g.hex(37), ("CLOUDFLARE_API_KEY", "CF_API_KEY", "CLOUDFLARE_AUTH_KEY")),
        ("postmark", "server_token", lambda: g.uuid(), ("POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN", "POSTMARK_TOKEN")),
        ("twilio", "auth_token", lambda: g.hex(32), ("TWILIO_AUTH_TOKEN", "TWILIO_TOKEN")),
        ("onepassword", "service_account", lambda: "ops_" + base64.b64encode(json.dumps({"signInAddress": "my.1password.com", "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256", "iterations": 650000, "salt": g.b64url(16)}, "email": g.s(10, T.LOWER) + "@1passwordserviceaccounts.com", "srpX": g.hex(64), "muk": {"alg": "A256GCM", "ext": True, "k": g.b64url(32), "kty": "oct"}}, separators=(",", ":")).encode()).decode().rstrip("="), ("OP_SERVICE_ACCOUNT_TOKEN",)),
        ("heroku", "api_key_uuid", lambda: g.uuid(), ("HEROKU_API_KEY", "HEROKU_API_TOKEN")),
        ("datadog", "app_key", lambda: g.hex(40), ("DD_APP_KEY", "DATADOG_APP_KEY", "DD_APPLICATION_KEY", "DATADOG_APPLICATION_KEY")),
        ("cloudinary", "url", lambda: f"cloudinary://{g.digits(15)}:{g.s(27, T.B64URL)}@{g.pick(['acme', 'shop-media', 'dxy1abc'])}", ("CLOUDINARY_URL",)),
        ("vault", "service_token_short", lambda: "hvs." + g.s(24, T.ALNUM), ("VAULT_TOKEN",)),
        ("vault", "service_token_long", lambda: "hvs.CAES" + g.s(g.int(90, 110), T.B64URL), ("VAULT_TOKEN",)),
        ("slack", "signing_secret", lambda: g.hex(32), ("SLACK_SIGNING_SECRET",)),
    ]
    items = []
    for fam, variant, make, names in makers:
        for _ in range(4):
            items.append(Item(fam, make(), "positive", variant, names))
    # Placeholders under the same names.
    for fam, variant, make, names in makers[::3]:
        items.append(Item(fam, g.pick(["your_" + fam + "_key_here", "<" + fam + "-token>", "xxxxxxxxxxxxxxxxxxxxxxxx"]), "negative", "placeholder", names))
    return items


def provider_shapes(corpus, Item) -> None:
    """Provider credentials in the code shapes that carry them: client constructors, URLs,
    provider blocks."""
    g = corpus.g
    for i in range(8):
        sid, tok = "AC" + g.hex(32), g.hex(32)
        d = corpus.doc(g.pick(["notify.py", "app/sms.py", "src/sms.js"]))
        if d.path.endswith(".py"):
            d.add("from twilio.rest import Client", "")
            d.put(f'client = Client("{sid}", "{tok}")', Item("twilio", tok, "positive", "client"))
        else:
            d.add("const twilio = require('twilio');")
            d.put(f"const client = twilio('{sid}', '{tok}');", Item("twilio", tok, "positive", "client"))
        pm = g.uuid()
        d = corpus.doc(g.pick(["src/mailer.js", "lib/mail.ts"]))
        d.add("const postmark = require('postmark');")
        d.put(f'const client = new postmark.ServerClient("{pm}");', Item("postmark", pm, "positive", "client"))
        d = corpus.doc(g.pick(["main.tf", "monitoring/datadog.tf"]))
        api, app = g.hex(32), g.hex(40)
        d.add('provider "datadog" {')
        d.put(f'  api_key = "{api}"', Item("datadog", api, "positive", "provider_block"))
        d.put(f'  app_key = "{app}"', Item("datadog", app, "positive", "provider_block"))
        d.add('  api_url = "https://api.datadoghq.eu/"', "}")
        d = corpus.doc(g.pick(["slack/app.js", "bot/index.js"]))
        ss = g.hex(32)
        d.add("const { App } = require('@slack/bolt');", "const app = new App({", "  token: process.env.SLACK_BOT_TOKEN,")
        d.put(f"  signingSecret: '{ss}',", Item("slack", ss, "positive", "signing_secret"))
        d.add("});")
        d = corpus.doc(g.pick(["scripts/tickets.sh", "docs/zendesk.md"]))
        zt = g.s(40, T.ALNUM)
        d.put(f"curl https://acme.zendesk.com/api/v2/tickets.json -u {g.pick(['ops', 'support'])}@acme.io/token:{zt}", Item("zendesk", zt, "positive", "basic_auth"))


# ------------------------------------------------------------------- tools


def client_configs(corpus, Item) -> None:
    g = corpus.g
    for i in range(8):
        # FileZilla.
        d = corpus.doc(g.pick(["AppData/Roaming/FileZilla/sitemanager.xml", ".config/filezilla/sitemanager.xml", "filezilla/recentservers.xml"]))
        pw, _ = weak_or_human(g)
        b = base64.b64encode(pw.encode()).decode()
        d.add('<?xml version="1.0" encoding="UTF-8"?>', '<FileZilla3 version="3.66.4" platform="windows">', "  <Servers>", "    <Server>",
              f"      <Host>{g.pick(['ftp.acme.io', 'files.example.net', '10.0.3.9'])}</Host>", "      <Port>21</Port>", "      <Protocol>0</Protocol>",
              f"      <User>{g.pick(USERS)}</User>")
        d.put(f'      <Pass encoding="base64">{b}</Pass>', Item("ftp_client", b, "positive", "filezilla"))
        d.add("      <Logontype>1</Logontype>", "    </Server>", "  </Servers>", "</FileZilla3>")
        # WinSCP.
        d = corpus.doc(g.pick(["WinSCP.ini", "tools/WinSCP.ini"]))
        h = g.hex(g.int(40, 70)).upper()
        d.add("[Configuration\\Interface]", "RandomSeedFile=%APPDATA%\\winscp.rnd", "", f"[Sessions\\{g.pick(USERS)}@{g.pick(['web1.acme.io', 'sftp.example.net'])}]",
              "HostName=web1.acme.io", f"UserName={g.pick(USERS)}")
        d.put(f"Password={h}", Item("ftp_client", h, "positive", "winscp"))
        d.add("FSProtocol=0")
        # Editors' deployment settings.
        pw, _ = weak_or_human(g)
        kind = i % 3
        if kind == 0:
            d = corpus.doc(".vscode/sftp.json")
            d.add("{", '    "name": "production",', '    "host": "web1.acme.io",', '    "protocol": "sftp",', '    "port": 22,', f'    "username": "{g.pick(USERS)}",')
            d.put(f'    "password": "{pw}",', Item("ftp_client", pw, "positive", "vscode_sftp"))
            d.add('    "remotePath": "/var/www/html",', '    "uploadOnSave": true', "}")
        elif kind == 1:
            d = corpus.doc("sftp-config.json")
            d.add("{", '    "type": "sftp",', '    "save_before_upload": true,', '    "upload_on_save": false,', '    "host": "web1.acme.io",', f'    "user": "{g.pick(USERS)}",')
            d.put(f'    "password": "{pw}",', Item("ftp_client", pw, "positive", "sublime_sftp"))
            d.add('    //"port": "22",', '    "remote_path": "/var/www/",', "}")
        else:
            d = corpus.doc(".ftpconfig")
            d.put(json.dumps({"protocol": "ftp", "host": "ftp.acme.io", "port": 21, "user": g.pick(USERS), "pass": pw, "promptForPass": False, "remote": "/"}), Item("ftp_client", pw, "positive", "atom_ftpconfig"))
        # Database GUIs.
        pw, _ = weak_or_human(g)
        kind = i % 4
        if kind == 0:
            d = corpus.doc(g.pick([".dbeaver/data-sources.json", "DBeaverData/workspace6/General/.dbeaver/data-sources.json"]))
            d.add("{", '  "connections": {', '    "postgres-jdbc-18a": {', '      "provider": "postgresql",', '      "configuration": {', '        "host": "db.internal",', f'        "user": "{g.pick(USERS)}",')
            d.put(f'        "password": "{pw}",', Item("db_client", pw, "positive", "dbeaver"))
            d.add('        "type": "prod"', "      }", "    }", "  }", "}")
        elif kind == 1:
            d = corpus.doc("portable_settings.txt")
            hx = g.hex(g.int(16, 40)).upper() + str(g.int(1, 9))
            d.add(f"Servers\\prod-db\\Host<|||>1<|||>{g.pick(HOSTS)}", f"Servers\\prod-db\\User<|||>1<|||>{g.pick(USERS)}")
            d.put(f"Servers\\prod-db\\Password<|||>1<|||>{hx}", Item("db_client", hx, "positive", "heidisql"))
        elif kind == 2:
            d = corpus.doc(g.pick([".3T/robo-3t/1.4.4/robo3t.json", "robomongo/1.0/robomongo.json"]))
            d.add("{", '    "connections": [', "        {", '            "connectionName": "prod",', '            "credentials": [', "                {", '                    "databaseName": "admin",', f'                    "userName": "{g.pick(USERS)}",')
            d.put(f'                    "userPassword": "{pw}",', Item("db_client", pw, "positive", "robo3t"))
            d.add("                }", "            ]", "        }", "    ]", "}")
        else:
            d = corpus.doc(g.pick(["connections.ncx", "navicat/prod.ncx"]))
            hx = g.hex(32).upper()
            d.add('<?xml version="1.0" encoding="UTF-8"?>', '<Connections Ver="1.5">')
            d.put(f'  <Connection ConnectionName="prod" ConnType="MYSQL" Host="{g.pick(HOSTS)}" Port="3306" UserName="{g.pick(USERS)}" Password="{hx}" SavePassword="true" />', Item("db_client", hx, "positive", "navicat"))
            d.add("</Connections>")
        # S3 and mail clients.
        kind = i % 4
        if kind == 0:
            d = corpus.doc(g.pick([".config/rclone/rclone.conf", "rclone.conf"]))
            ob = g.b64url(g.int(18, 30))
            d.add("[nas]", "type = sftp", "host = nas.home.arpa", f"user = {g.pick(USERS)}")
            d.put(f"pass = {ob}", Item("storage_client", ob, "positive", "rclone"))
        elif kind == 1:
            d = corpus.doc(g.pick([".s3cfg", "home/me/.s3cfg"]))
            key, sec = "DO00" + g.s(16, T.UPPER_ALNUM), g.b64(32).rstrip("=")
            d.add("[default]")
            # The key id, like an AWS one, names the key: counted as part of the leak.
            d.put(f"access_key = {key}", Item("storage_client", key, "positive", "s3cmd_key_id"))
            d.add("host_base = fra1.digitaloceanspaces.com")
            d.put(f"secret_key = {sec}", Item("storage_client", sec, "positive", "s3cmd"))
        elif kind == 2:
            d = corpus.doc(g.pick([".msmtprc", "home/me/.msmtprc"]))
            pw, _ = weak_or_human(g)
            d.add("defaults", "auth on", "tls on", "account gmail", "host smtp.gmail.com", "port 587", "from me@gmail.com", "user me@gmail.com")
            d.put(f"password {pw}", Item("mail_client", pw, "positive", "msmtp"))
        else:
            d = corpus.doc(g.pick([".muttrc", ".mutt/muttrc", ".config/neomutt/neomuttrc"]))
            pw, _ = weak_or_human(g)
            d.add('set from = "me@acme.io"', 'set smtp_url = "smtps://me@acme.io@smtp.acme.io:465/"')
            d.put(f'set smtp_pass = "{pw}"', Item("mail_client", pw, "positive", "mutt"))
        # Browser and password-manager exports.
        kind = i % 3
        pw, _ = weak_or_human(g)
        pw = pw.replace(",", "").replace('"', "")
        if kind == 0:
            d = corpus.doc(g.pick(["Downloads/Chrome Passwords.csv", "Desktop/Passwords.csv", "backup/Microsoft Edge Passwords.csv"]))
            d.add("name,url,username,password,note")
            d.put(f"acme.io,https://acme.io/login,{g.pick(USERS)}@acme.io,{pw},", Item("browser_export", pw, "positive", "chrome"))
        elif kind == 1:
            d = corpus.doc(g.pick(["Downloads/logins.csv", "firefox-logins.csv"]))
            d.add('"url","username","password","httpRealm","formActionOrigin","guid","timeCreated","timeLastUsed","timePasswordChanged"')
            d.put(f'"https://mail.acme.io","{g.pick(USERS)}","{pw}",,"https://mail.acme.io","{{{g.uuid()}}}","1700000000000","1700000000000","1700000000000"', Item("browser_export", pw, "positive", "firefox"))
        else:
            d = corpus.doc(g.pick(["bitwarden_export_20240501.csv", "Downloads/bitwarden_export.csv"]))
            d.add("folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp")
            d.put(f"Work,,login,Jira,,,0,https://acme.atlassian.net,{g.pick(USERS)}@acme.io,{pw},", Item("browser_export", pw, "positive", "bitwarden"))
    # Hard negatives: empty saved passwords, commented templates, headers only.
    for i in range(6):
        kind = i % 3
        if kind == 0:
            d = corpus.doc("sftp-config.json")
            d.add("{", '    "type": "sftp",', '    "host": "example.com",', '    "user": "username",')
            d.put('    //"password": "password",', Item("ftp_client", "password", "negative", "template"))
            d.add("}")
        elif kind == 1:
            d = corpus.doc(g.pick(["sitemanager.xml", "filezilla/sitemanager.xml"]))
            d.add("<Server>", "  <Host>ftp.acme.io</Host>", "  <User>anonymous</User>")
            d.put("  <Logontype>0</Logontype>", Item("ftp_client", "<Logontype>0</Logontype>", "negative", "identifier"))
            d.add("</Server>")
        else:
            d = corpus.doc(g.pick(["Passwords.csv", "logins.csv"]))
            d.put("name,url,username,password,note", Item("browser_export", "password", "negative", "identifier"))


def password_hashes(corpus, Item) -> None:
    g = corpus.g
    # Hash lengths as crypt(3) writes them for each scheme.
    crypt_len = {"$1$": 22, "$5$": 43, "$6$": 86, "$y$j9T$": 43}
    for i in range(8):
        d = corpus.doc(g.pick(["etc/shadow", "backup/etc/shadow", "rootfs/etc/shadow"]))
        d.add("daemon:*:19500:0:99999:7:::", "bin:*:19500:0:99999:7:::")
        for user in g.sample(["root", "admin", "deploy", "ubuntu", "pi"], g.int(1, 2)):
            scheme = g.pick(list(crypt_len))
            h = f"{scheme}{g.s(g.int(8, 16), T.ALNUM + './')}${g.s(crypt_len[scheme], T.ALNUM + './')}"
            d.put(f"{user}:{h}:{g.int(18000, 20000)}:0:99999:7:::", Item("password_hash", h, "positive", "shadow"))
        d.put("nobody:!:19500::::::", Item("password_hash", "!", "negative", "locked"))
        # htpasswd and passwd-files.
        d = corpus.doc(g.pick([".htpasswd", "nginx/.htpasswd", "conf/users.htpasswd", "dovecot/users", "mosquitto/passwd"]))
        for _ in range(g.int(1, 2)):
            kind = g.int(0, 3)
            if kind == 0:
                h = "{SSHA}" + g.b64(24)
            elif kind == 1:
                h = "{SHA512-CRYPT}$6$" + g.s(16, T.ALNUM) + "$" + g.s(86, T.ALNUM + "./")
            elif kind == 2:
                h = "{PLAIN}" + weak_or_human(g)[0].replace(":", "")
            else:
                h = "$6$" + g.s(16, T.ALNUM) + "$" + g.s(86, T.ALNUM + "./")
            d.put(f"{g.pick(USERS)}:{h}", Item("password_hash", h, "positive", "passwd_file"))
        # SQL dumps of user tables.
        d = corpus.doc(g.pick(["backups/shop.sql", "db/dump.sql", "dump-2024-05-01.sql", "sql/users_backup.sql"]))
        d.add("-- MySQL dump 10.13", "DROP TABLE IF EXISTS `users`;", "CREATE TABLE `users` (`id` int NOT NULL, `email` varchar(255), `password` varchar(255));",
              "LOCK TABLES `users` WRITE;")
        rows = []
        hashes = []
        for n in range(g.int(2, 4)):
            kind = g.int(0, 3)
            if kind == 0:
                h = "$2y$10$" + g.s(53, T.ALNUM + "./")
            elif kind == 1:
                h = "$P$B" + g.s(30, T.ALNUM + "./")
            elif kind == 2:
                h = f"pbkdf2_sha256$600000${g.s(22, T.ALNUM)}${g.b64(32)}"
            else:
                h = "$argon2id$v=19$m=65536,t=3,p=4$" + g.b64(16).rstrip("=") + "$" + g.b64(32).rstrip("=")
            hashes.append(h)
            rows.append(f"({n + 1},'{g.pick(USERS)}@acme.io','{h}')")
        # One INSERT per row, so each hash has a line of its own to be found on.
        for row, h in zip(rows, hashes):
            d.put(f"INSERT INTO `users` VALUES {row};", Item("password_hash", h, "positive", "sql_dump"))
        d.add("UNLOCK TABLES;")
    for _ in range(4):
        d = corpus.doc(g.pick(["db/schema.sql", "migrations/001_users.sql"]))
        d.put("CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);", Item("password_hash", "password_hash", "negative", "identifier"))


def command_lines(corpus, Item) -> None:
    g = corpus.g
    for _ in range(10):
        d = corpus.doc(g.pick([".bash_history", "home/root/.bash_history", ".zsh_history", "home/deploy/.bash_history"]))
        zsh = d.path.endswith("zsh_history")
        prefix = lambda: f": {1700000000 + g.int(0, 9999999)}:0;" if zsh else ""  # noqa: E731
        d.add(prefix() + "ls -la", prefix() + "cd /var/www")
        for _ in range(g.int(1, 3)):
            pw, _ = weak_or_human(g)
            pw = pw.replace(" ", "").replace("!", "").replace("$", "").replace("&", "").replace("`", "")
            kind = g.int(0, 6)
            if kind == 0:
                line = f"mysql -u {g.pick(USERS)} -p{pw} -h {g.pick(HOSTS)} shop"
            elif kind == 1:
                line = f"mysqldump -u root --password={pw} --all-databases > all.sql"
            elif kind == 2:
                line = f"sshpass -p '{pw}' ssh {g.pick(USERS)}@10.0.3.{g.int(2, 250)}"
            elif kind == 3:
                line = f"PGPASSWORD={pw} psql -h {g.pick(HOSTS)} -U postgres -d app"
            elif kind == 4:
                line = f"redis-cli -h cache.internal -a {pw} info"
            elif kind == 5:
                line = f"docker login -u {g.pick(USERS)} -p {pw} registry.acme.io"
            else:
                line = f"curl -u {g.pick(USERS)}:{pw} https://jenkins.acme.io/api/json"
            d.put(prefix() + line, Item("shell_history", pw, "positive", line.split()[0] if kind != 3 else "pgpassword"))
        d.put(prefix() + "mysql -u root -p", Item("shell_history", "-p", "negative", "prompt"))
        d.add(prefix() + "git status")


# ------------------------------------------------------------------- notebooks


def _nb_string(s: str) -> str:
    return json.dumps(s)


def notebooks(corpus, Item) -> None:
    """Notebooks as Jupyter writes them (one-space indent, sources as lists of lines); a secret
    is labelled at the line of the `.ipynb` file that holds it."""
    g = corpus.g
    for i in range(16):
        fam, variant, value, names = None, None, None, None
        kind = i % 4
        if kind == 0:
            value, fam, variant = T.checksummed("ghp_", g), "github", "ghp"
            code = f'GITHUB_TOKEN = "{value}"'
        elif kind == 1:
            value, fam, variant = "sk-proj-" + g.s(74, T.B64URL) + "T3BlbkFJ" + g.s(74, T.B64URL), "openai", "project"
            code = f'client = OpenAI(api_key="{value}")'
        elif kind == 2:
            value, fam, variant = "hf_" + g.s(34, T.LOWER + T.UPPER), "huggingface", "user_token"
            code = f'login(token="{value}")'
        else:
            value, fam, variant = "AKIA" + g.s(16, T.BASE32), "aws", "access_key_id"
            code = f"aws_access_key_id = '{value}'"
        d = corpus.doc(g.pick(["notebooks/analysis.ipynb", "explore.ipynb", "research/train.ipynb", "notebooks/etl.ipynb"]))
        d.add("{", ' "cells": [', "  {", '   "cell_type": "markdown",', '   "metadata": {},', '   "source": [',
              "    " + _nb_string(f"# {g.pick(['Exploration', 'Training', 'Report'])}\n") + ",", "    " + _nb_string("Notes on the data.") + "", "   ]", "  },",
              "  {", '   "cell_type": "code",', '   "execution_count": 1,', '   "metadata": {},', '   "outputs": [],', '   "source": [',
              "    " + _nb_string("import os\n") + ",")
        line = "    " + _nb_string(code + "\n") + ","
        d.put(line, Item(fam, value, "positive", "notebook_" + variant))
        d.add("    " + _nb_string("print('ok')"), "   ]", "  }", " ],", ' "metadata": {', '  "kernelspec": {', '   "display_name": "Python 3",', '   "language": "python",', '   "name": "python3"', "  }", " },",
              ' "nbformat": 4,', ' "nbformat_minor": 5', "}")


# ------------------------------------------------------------------- test fixtures


def test_fixtures(corpus, Item) -> None:
    """Keys and tokens in test folders: still leaks when real, so still positives here."""
    g = corpus.g
    for i in range(12):
        folder = g.pick(["tests", "test", "testdata", "fixtures", "spec/fixtures", "examples", "src/test/resources", "__tests__"])
        if i % 3 == 0:
            value = T.private_key(g, g.pick(["rsa", "pkcs8", "ec", "openssh"]))
            d = corpus.doc(f"{folder}/{g.pick(['server.key', 'client.pem', 'id_rsa', 'signing.key'])}")
            d.put_block(value.split("\n"), Item("test_fixture", value, "positive", "private_key"))
        elif i % 3 == 1:
            value = T.checksummed(g.pick(["ghp_", "gho_"]), g)
            d = corpus.doc(f"{folder}/{g.pick(['test_client.py', 'api_test.go', 'client.test.ts', 'config.json'])}")
            d.add("# fixture")
            d.put(f'TOKEN = "{value}"', Item("test_fixture", value, "positive", "github"))
        else:
            value = "xoxb-" + g.digits(12) + "-" + g.digits(13) + "-" + g.s(24)
            d = corpus.doc(f"{folder}/{g.pick(['slack_test.rb', 'notify.spec.js', 'settings.yml'])}")
            d.put(f"slack_token: {value}", Item("test_fixture", value, "positive", "slack"))
