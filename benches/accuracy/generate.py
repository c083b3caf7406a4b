#!/usr/bin/env python3
"""Generate sprawl's labelled accuracy corpus.

    python3 benches/accuracy/generate.py OUTDIR [--seed N]

Writes OUTDIR/corpus/ (a few thousand realistic files of many formats) and
OUTDIR/labels.jsonl, one line per labelled value:

    {"path": "config/.env", "line": 3, "end_line": 3, "family": "github",
     "kind": "positive", "variant": "ghp", "secret": "...", "sha256": "..."}

`kind` is "positive" (a credential a scanner should report) or "negative" (a hard negative
it should stay quiet on); negatives carry `variant` = why it is not a secret (placeholder,
env_read, example, bad_checksum, truncated, hash, uuid, ...). Multi-line values (private
keys) span `line`..`end_line`. Same seed, same bytes: the output is deterministic, uses the
standard library only and never touches the network.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import carriers as C  # noqa: E402
import leaks as real_leaks  # noqa: E402
import tokens as T  # noqa: E402
from tokens import Rand  # noqa: E402

# How many positives each family gets from assignment-style files (structured files add more).
PER_FAMILY = {"*": 12, "password": 64, "connection_string": 32, "aws": 24, "github": 24, "jwt": 16, "slack": 16, "stripe": 15}
PER_VARIANT_MIN = 3


@dataclass
class Item:
    family: str
    value: str
    kind: str  # positive | negative
    variant: str
    names: tuple = ()
    raw: bool = False  # written unquoted (an expression, not a string literal)


class Doc:
    """Lines of one file plus the labels placed on them."""

    def __init__(self, path: str):
        self.path = path
        self.lines: list[str] = []
        self.labels: list[dict] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def put(self, text: str, item: Item, value: str | None = None) -> None:
        """Add one line carrying `item` (its value, or `value` when written differently)."""
        shown = item.value if value is None else value
        assert shown in text, (self.path, shown, text)
        self.lines.append(text)
        self._label(item, len(self.lines), len(self.lines), shown)

    def put_block(self, lines: list[str], item: Item) -> None:
        start = len(self.lines) + 1
        self.lines.extend(lines)
        self._label(item, start, len(self.lines), item.value)

    def _label(self, item: Item, start: int, end: int, shown: str) -> None:
        self.labels.append(
            {
                "path": self.path,
                "line": start,
                "end_line": end,
                "family": item.family,
                "kind": item.kind,
                "variant": item.variant,
                "secret": shown,
                "sha256": hashlib.sha256(shown.encode()).hexdigest(),
            }
        )

    def fill(self, lines: list[str]) -> None:
        """Add a filler snippet unless the file already has its first line (no key twice)."""
        if lines and (not lines[0].strip() or lines[0] not in self.lines):
            self.lines.extend(lines)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class Corpus:
    def __init__(self, seed: int):
        self.g = Rand(seed)
        self.docs: list[Doc] = []
        self.paths: set[str] = set()

    def doc(self, path: str) -> Doc:
        """A new file at `path` inside one of the corpus's projects (a monorepo of services)."""
        for _ in range(1000):
            candidate = f"{self.g.pick(PROJECTS)}/{path}"
            if candidate not in self.paths:
                break
        else:
            raise RuntimeError(f"no free project folder for {path}")
        self.paths.add(candidate)
        d = Doc(candidate)
        self.docs.append(d)
        return d


PROJECTS = [f"{a}-{b}" for a in ("acme", "north", "blue", "orbit", "delta", "pine", "kite", "harbor", "ember", "atlas", "lumen", "quartz") for b in ("api", "web", "worker", "infra", "tools", "billing", "mobile", "data", "ops", "auth", "search", "docs")]


# ------------------------------------------------------------------- items


def positive(g: Rand, family: str, variant: str, maker) -> Item:
    value, names = maker(g)
    return Item(family, value, "positive", variant, names)


def assignment_positives(g: Rand) -> list[Item]:
    items = []
    for family, variants in T.POSITIVES.items():
        n = max(PER_FAMILY.get(family, PER_FAMILY["*"]), PER_VARIANT_MIN * len(variants))
        for i in range(n):
            variant, maker = variants[i % len(variants)]
            items.append(positive(g, family, variant, maker))
    return items


PLACEHOLDERS = [
    lambda g, n, fam: "${" + C.style(n, "upper") + "}",
    lambda g, n, fam: "{{ .Values." + C.style(n, "camel") + " }}",
    lambda g, n, fam: "<" + C.style(n, "kebab") + ">",
    lambda g, n, fam: "<your-" + fam.replace("_", "-") + "-token>",
    lambda g, n, fam: "YOUR_" + C.style(n, "upper"),
    lambda g, n, fam: "YOUR_API_KEY",
    lambda g, n, fam: "x" * g.int(8, 40),
    lambda g, n, fam: "changeme",
    lambda g, n, fam: "REPLACE_ME",
    lambda g, n, fam: "*" * g.int(8, 16),
    lambda g, n, fam: "your-" + fam.replace("_", "-") + "-api-key-here",
    lambda g, n, fam: "{{ " + C.style(n, "snake") + " }}",
    lambda g, n, fam: "%(" + C.style(n, "snake") + ")s",
    lambda g, n, fam: "TODO",
    lambda g, n, fam: "dummy",
    lambda g, n, fam: "<%= ENV['" + C.style(n, "upper") + "'] %>",
    lambda g, n, fam: "__" + C.style(n, "upper") + "__",
    lambda g, n, fam: "0" * 32,
]

# Prefix-shaped placeholders: right prefix, obviously fake body.
PREFIX_PLACEHOLDERS = {
    "github": lambda g: "ghp_" + g.pick(["x" * 36, "X" * 36, "0" * 36, "your_token_here".ljust(36, "x")]),
    "gitlab": lambda g: "glpat-" + g.pick(["x" * 20, "XXXXXXXXXXXXXXXXXXXX", "your_token_here_xxxx"]),
    "slack": lambda g: "xoxb-" + g.pick(["your-bot-token", "xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx", "0000-0000-xxxx"]),
    "stripe": lambda g: "sk_live_" + g.pick(["x" * 24, "...", "<your-key>", "XXXXXXXXXXXXXXXXXXXXXXXX"]),
    "openai": lambda g: "sk-" + g.pick(["...", "your-key-here", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]),
    "anthropic": lambda g: "sk-ant-" + g.pick(["...", "xxxxx", "api03-xxxxxxxx"]),
    "huggingface": lambda g: "hf_" + g.pick(["xxx", "x" * 34, "YOUR_TOKEN"]),
    "npm": lambda g: "npm_" + g.pick(["x" * 36, "XXXXXXXX", "your-token"]),
    "sendgrid": lambda g: "SG." + g.pick(["xxxxxxxx.yyyyyyyy", "your-key", "x" * 22 + "." + "x" * 43]),
    "aws": lambda g: "AKIA" + g.pick(["X" * 16, "XXXXXXXXEXAMPLE1", "0000000000000000"]),
    "digitalocean": lambda g: "dop_v1_" + g.pick(["x" * 64, "<token>", "0" * 64]),
}


def aws_examples() -> list[tuple[str, tuple]]:
    # The key pairs AWS prints throughout its documentation; not credentials.
    return [
        ("AKIAIOSFODNN7" + "EXAMPLE", ("AWS_ACCESS_KEY_ID",)),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY", ("AWS_SECRET_ACCESS_KEY",)),
        ("AKIAI44QH8DHB" + "EXAMPLE", ("AWS_ACCESS_KEY_ID",)),
        ("je7MtGbClwBF/2Zp9Utk/h3yCo8nvb" + "EXAMPLEKEY", ("AWS_SECRET_ACCESS_KEY",)),
    ]


IDENTIFIERS = [
    ("PASSWORD_MIN_LENGTH", "12"),
    ("PASSWORD_RESET_TIMEOUT", "3600"),
    ("AUTH_TOKEN_TTL", "900"),
    ("password_field", "password"),
    ("password_hash_algorithm", "argon2id"),
    ("SECRET_NAME", "prod/billing/db-credentials"),
    ("api_key_header", "X-Api-Key"),
    ("TOKEN_URL", "https://oauth2.googleapis.com/token"),
    ("SECRET_KEY_FILE", "/run/secrets/secret_key"),
    ("GITHUB_TOKEN_SCOPES", "repo,read:org"),
    ("token_type", "Bearer"),
    ("credentials_provider", "aws-sdk-default-chain"),
    ("SECRETS_BACKEND", "vault"),
    ("password_label", "Enter your password"),
    ("AUTH_HEADER_NAME", "Authorization"),
    ("KEY_ROTATION_DAYS", "90"),
    ("private_key_path", "~/.ssh/id_ed25519"),
    ("jwt_algorithm", "RS256"),
    ("api_token_env", "GITLAB_TOKEN"),
    ("SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"),
]


def negatives(g: Rand, lang_keys: list[str]) -> list[Item]:
    items: list[Item] = []
    fams = list(T.POSITIVES)
    # Placeholders and templates under the names real secrets use.
    for i in range(150):
        fam = fams[i % len(fams)]
        names = T.POSITIVES[fam][0][1](g)[1]
        n = g.pick(names)
        items.append(Item(fam, g.pick(PLACEHOLDERS)(g, n, fam), "negative", "placeholder", (n,)))
    for fam, make in PREFIX_PLACEHOLDERS.items():
        names = T.POSITIVES[fam][0][1](g)[1]
        for _ in range(3):
            items.append(Item(fam, make(g), "negative", "placeholder", names))
    # Reads from the environment or a secret manager (rendered per language).
    for i in range(110):
        fam = fams[(i * 7) % len(fams)]
        names = T.POSITIVES[fam][0][1](g)[1]
        items.append(Item(fam, "", "negative", "env_read", (g.pick(names),), raw=True))
    # References into a secret manager: where the secret lives, not the secret.
    refs = [
        lambda g, n: "{{resolve:secretsmanager:prod/" + C.style(n, "kebab") + ":SecretString:value}}",
        lambda g, n: "vault:secret/data/" + g.pick(C.SERVICES) + "#" + C.style(n, "snake"),
        lambda g, n: f"arn:aws:ssm:us-east-1:{g.digits(12)}:parameter/prod/{C.style(n, 'kebab')}",
        lambda g, n: f"projects/{g.pick(C.SERVICES)}-prod/secrets/{C.style(n, 'kebab')}/versions/latest",
        lambda g, n: f"@Microsoft.KeyVault(SecretUri=https://{g.pick(C.SERVICES)}-kv.vault.azure.net/secrets/{C.style(n, 'kebab')}/)",
        lambda g, n: f"op://Engineering/{g.pick(C.SERVICES).capitalize()}/{C.style(n, 'snake')}",
        lambda g, n: f"ref+vault://secret/{g.pick(C.SERVICES)}#/{C.style(n, 'snake')}",
    ]
    for i in range(42):
        fam = fams[(i * 11) % len(fams)]
        n = g.pick(T.POSITIVES[fam][0][1](g)[1])
        items.append(Item(fam, refs[i % len(refs)](g, n), "negative", "secret_ref", (n,)))
    for _ in range(4):
        for value, names in aws_examples():
            items.append(Item("aws", value, "negative", "example", names))
    # Checksummed tokens whose checksum does not match, and truncated tokens.
    for prefix, fam, names in [("ghp_", "github", ("GITHUB_TOKEN",)), ("gho_", "github", ("GITHUB_OAUTH_TOKEN",)), ("ghs_", "github", ("GITHUB_APP_TOKEN",)), ("npm_", "npm", ("NPM_TOKEN",))]:
        for _ in range(6 if fam == "github" else 10):
            items.append(Item(fam, T.checksummed(prefix, g, valid=False), "negative", "bad_checksum", names))
    # Truncated the way docs and tickets quote them: a few characters, often with an ellipsis.
    cut = lambda: g.pick(["", "...", "\u2026", "..."])  # noqa: E731
    truncated = [
        ("github", lambda: "ghp_" + g.s(g.int(4, 10)) + cut(), ("GITHUB_TOKEN",)),
        ("aws", lambda: "AKIA" + g.s(g.int(4, 8), T.BASE32) + cut(), ("AWS_ACCESS_KEY_ID",)),
        ("slack", lambda: f"xoxb-{g.digits(12)}-" + cut(), ("SLACK_BOT_TOKEN",)),
        ("stripe", lambda: "sk_live_" + g.s(g.int(4, 8)) + cut(), ("STRIPE_SECRET_KEY",)),
        ("openai", lambda: "sk-proj-" + g.s(g.int(4, 8)) + cut(), ("OPENAI_API_KEY",)),
        ("gitlab", lambda: "glpat-" + g.s(g.int(4, 8)) + cut(), ("GITLAB_TOKEN",)),
        ("anthropic", lambda: "sk-ant-api03-" + g.s(g.int(4, 8)) + cut(), ("ANTHROPIC_API_KEY",)),
        ("sendgrid", lambda: "SG." + g.s(g.int(4, 8)) + cut(), ("SENDGRID_API_KEY",)),
    ]
    for fam, make, names in truncated:
        for _ in range(4):
            items.append(Item(fam, make(), "negative", "truncated", names))
    # Values that are public by design.
    for _ in range(8):
        items.append(Item("stripe", "pk_live_" + g.s(g.pick([24, 99])), "negative", "publishable", ("STRIPE_PUBLISHABLE_KEY", "NEXT_PUBLIC_STRIPE_KEY")))
    for _ in range(6):
        items.append(Item("twilio", "AC" + g.hex(32), "negative", "identifier", ("TWILIO_ACCOUNT_SID",)))
    for _ in range(6):
        items.append(Item("azure", g.uuid(), "negative", "identifier", ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID")))
    for _ in range(4):
        items.append(Item("aws", g.digits(12), "negative", "identifier", ("AWS_ACCOUNT_ID",)))
    for _ in range(6):
        items.append(Item("public_key", T.ssh_public(g), "negative", "public_key", ("SSH_PUBLIC_KEY", "DEPLOY_KEY_PUB", "AUTHORIZED_KEY")))
    # Identifiers and prose around the word password/secret/token.
    for name, value in IDENTIFIERS:
        for _ in range(3):
            items.append(Item("password", value, "negative", "identifier", (name,), raw=value.isdigit()))
    # Hashes, digests, commit ids, UUIDs, data URIs.
    for _ in range(60):
        kind = g.int(0, 5)
        if kind == 0:
            items.append(Item("hash", g.hex(64), "negative", "hash", ("SHA256", "CHECKSUM", "ARTIFACT_SHA256")))
        elif kind == 1:
            items.append(Item("hash", g.hex(40), "negative", "hash", ("GIT_COMMIT", "REVISION", "BUILD_SHA")))
        elif kind == 2:
            items.append(Item("hash", "sha256:" + g.hex(64), "negative", "hash", ("IMAGE_DIGEST", "BASE_IMAGE_DIGEST")))
        elif kind == 3:
            items.append(Item("hash", "sha512-" + g.b64(64), "negative", "hash", ("INTEGRITY", "SRI_HASH")))
        elif kind == 4:
            items.append(Item("uuid", g.uuid(), "negative", "uuid", ("REQUEST_ID", "TENANT_ID", "TRACE_ID", "WORKSPACE_ID", "PROJECT_UUID")))
        else:
            items.append(Item("hash", g.hex(32), "negative", "hash", ("MD5", "ETAG", "CACHE_KEY")))
    for _ in range(20):
        items.append(Item("uuid", g.uuid(), "negative", "uuid", ("REQUEST_ID", "CORRELATION_ID", "INSTANCE_ID", "DEVICE_ID")))
    for _ in range(10):
        items.append(Item("data_uri", "data:image/png;base64," + g.b64(g.int(60, 200)), "negative", "data_uri", ("LOGO", "PLACEHOLDER_IMAGE", "FAVICON")))
    # Encrypted values: SOPS inline values under secret-looking names.
    for _ in range(20):
        fam = g.pick(["password", "aws", "stripe", "github", "datadog"])
        names = T.POSITIVES[fam][0][1](g)[1]
        v = f"ENC[AES256_GCM,data:{g.b64(g.int(12, 40))},iv:{g.b64(32)},tag:{g.b64(16)},type:str]"
        items.append(Item(fam, v, "negative", "encrypted", names))
    # Low-information values under password names: empty-ish and defaults nobody uses.
    for v in ["password", "secret", "123456", "test", "example", "none", "null", "your_password"]:
        items.append(Item("password", v, "negative", "placeholder", ("DB_PASSWORD", "PASSWORD", "ADMIN_PASSWORD")))
    return items


# ------------------------------------------------------------------- assignment files


def fits(lang: C.Lang, item: Item) -> bool:
    return not any(c in item.value for c in lang.forbid)


# Weak values that are placeholders in code and prose but weak passwords in a file whose format
# holds nothing but settings (`DB_PASSWORD=123456` in a `.env` is the password the service uses).
WEAK_DEFAULTS = {"password", "secret", "123456", "test"}
SETTINGS_LANGS = {"env", "ini", "properties", "toml", "compose"}


def in_settings_file(lang: C.Lang, path: str) -> bool:
    return lang.key in SETTINGS_LANGS or path.endswith(".tfvars")


def as_placed(it: Item, lang: C.Lang, path: str) -> Item:
    """`it` as labelled in a file of `lang` at `path`: a weak default under a password name is
    a positive in a settings file, a placeholder elsewhere."""
    if it.variant == "placeholder" and it.family == "password" and it.value in WEAK_DEFAULTS and in_settings_file(lang, path):
        return Item(it.family, it.value, "positive", "weak_in_settings_file", it.names, it.raw)
    return it


def write_assignment_file(corpus: Corpus, lang: C.Lang, items: list[Item]) -> None:
    g = corpus.g
    doc = corpus.doc(C.path_for(g, lang))
    items = [as_placed(it, lang, doc.path) for it in items]
    doc.add(*lang.header(g))
    slots: list = [("fill", None)] * g.int(2, 10) + [("item", it) for it in items]
    g.shuffle(slots)
    for kind, it in slots:
        if kind == "fill":
            doc.fill(lang.filler(g))
            continue
        name = C.style(g.pick(it.names), lang.style)
        if it.variant == "env_read":
            expr = lang.env_read(g.pick(it.names))
            doc.put(lang.assign(name, expr, True), it, expr)
        elif lang.key == "md" and g.chance(0.4):
            # Prose with the value inline, as people paste it into docs.
            doc.put(f"Use `{it.value}` as the {C.style(name, 'snake').replace('_', ' ')} when testing against staging.", it)
        else:
            doc.put(lang.assign(name, it.value, it.raw), it)
        if g.chance(0.3):
            doc.fill(lang.filler(g))
    doc.add(*lang.footer(g))


def place_assignments(corpus: Corpus, items: list[Item]) -> None:
    g = corpus.g
    pending = list(items)
    g.shuffle(pending)
    while pending:
        lang = C.LANGS[g.pick(C.ASSIGN_LANGS)]
        take = []
        for it in list(pending):
            if len(take) >= g.int(1, 4):
                break
            if fits(lang, it):
                take.append(it)
                pending.remove(it)
        if take:
            write_assignment_file(corpus, lang, take)


# ------------------------------------------------------------------- structured files


def key_files(corpus: Corpus, n: int) -> None:
    g = corpus.g
    for i in range(n):
        kind = ["rsa", "pkcs8", "ec", "openssh", "ppk", "pgp"][i % 6]
        if kind == "ppk":
            value, path = T.ppk(g), g.pick(["keys/deploy.ppk", "putty/server.ppk", "id_rsa.ppk"])
        elif kind == "pgp":
            value, path = T.pgp_private(g), g.pick(["keys/release-signing.asc", "secring.asc", "gpg/private.key"])
        else:
            value = T.private_key(g, kind)
            path = g.pick({"openssh": [".ssh/id_ed25519", "deploy/id_ed25519", "ci/deploy_key"], "rsa": [".ssh/id_rsa", "certs/server.key", "ssl/private.pem"], "ec": ["certs/ec.key", "tls/tls.key"], "pkcs8": ["certs/key.pem", "secrets/service.key", "tls/private.key"]}[kind])
        d = corpus.doc(path)
        d.put_block(value.split("\n"), Item("private_key", value, "positive", kind))
    # Public halves and certificates: hard negatives that look like keys.
    for i in range(n // 2):
        kind = i % 3
        if kind == 0:
            v, path = T.certificate(g), g.pick(["certs/server.crt", "tls/ca.pem", "certs/chain.pem"])
        elif kind == 1:
            v, path = T.public_key_pem(g), g.pick(["keys/public.pem", "jwt/public.key"])
        else:
            v, path = T.ssh_public(g), g.pick([".ssh/id_rsa.pub", "deploy/authorized_keys"])
        d = corpus.doc(path)
        d.put_block(v.split("\n"), Item("public_key", v, "negative", "public_key"))


def embedded_keys(corpus: Corpus, n: int) -> None:
    """Private keys inside other files: YAML blocks, JSON strings, heredocs, triple quotes, .env."""
    g = corpus.g
    for i in range(n):
        value = T.private_key(g, g.pick(["rsa", "pkcs8", "ec", "openssh"]))
        lines = value.split("\n")
        how = i % 5
        if how == 0:
            d = corpus.doc(g.pick(["chart/values.yaml", "helm/values-prod.yaml", "config/tls.yaml"]))
            d.add("ingress:", "  enabled: true", "tls:", "  cert: /etc/tls/tls.crt", "  key: |")
            d.put_block(["    " + ln for ln in lines], Item("private_key", value, "positive", "yaml_block"))
            d.add("  minVersion: TLS1.2")
        elif how == 1:
            d = corpus.doc(g.pick(["config/jwt.json", "secrets/signing.json", "settings.json"]))
            escaped = json.dumps(value)[1:-1]
            d.add("{", f'  "issuer": "https://auth.{g.pick(C.SERVICES)}.example.com",')
            d.put(f'  "signingKey": "{escaped}",', Item("private_key", escaped, "positive", "json_escaped"))
            d.add('  "algorithm": "RS256"', "}")
        elif how == 2:
            d = corpus.doc(g.pick(["main.tf", "modules/tls/main.tf"]))
            d.add('resource "kubernetes_secret" "tls" {', "  data = {", '    "tls.key" = <<EOT')
            d.put_block(lines, Item("private_key", value, "positive", "heredoc"))
            d.add("EOT", "  }", "}")
        elif how == 3:
            d = corpus.doc(g.pick(["tests/fixtures_keys.py", "app/signing.py"]))
            d.add("import jwt", "", 'SIGNING_KEY = """')
            d.put_block(lines, Item("private_key", value, "positive", "python_string"))
            d.add('"""', "", "def sign(claims):", '    return jwt.encode(claims, SIGNING_KEY, algorithm="RS256")')
        else:
            d = corpus.doc(g.pick([".env", ".env.production", "deploy/.env"]))
            escaped = value.replace("\n", "\\n")
            d.add(f"APP_NAME={g.pick(C.SERVICES)}")
            d.put(f'PRIVATE_KEY="{escaped}"', Item("private_key", escaped, "positive", "env_escaped"))


def gcp_service_accounts(corpus: Corpus, n: int) -> None:
    g = corpus.g
    for _ in range(n):
        project = f"{g.pick(C.SERVICES)}-{g.digits(6)}"
        key = json.dumps(T.private_key(g, "pkcs8") + "\n")[1:-1]
        key_id = g.hex(40)
        email = f"{g.pick(['deployer', 'ci', 'terraform'])}@{project}.iam.gserviceaccount.com"
        d = corpus.doc(g.pick(["service-account.json", "gcp-key.json", "credentials.json", f"{project}-{key_id[:12]}.json"]))
        lines = [
            "{",
            '  "type": "service_account",',
            f'  "project_id": "{project}",',
            f'  "private_key_id": "{key_id}",',
            f'  "private_key": "{key}",',
            f'  "client_email": "{email}",',
            f'  "client_id": "{g.digits(21)}",',
            '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",',
            '  "token_uri": "https://oauth2.googleapis.com/token",',
            '  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",',
            f'  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/{email.replace("@", "%40")}",',
            '  "universe_domain": "googleapis.com"',
            "}",
        ]
        # The key file is one credential: a finding on any of its lines detects it.
        d.put_block(lines, Item("gcp", "\n".join(lines), "positive", "service_account_key"))


def aws_credentials(corpus: Corpus, n: int) -> None:
    """~/.aws/credentials files and .env files holding a key pair together."""
    g = corpus.g
    aws = dict(T.POSITIVES["aws"][i] for i in range(4))
    for i in range(n):
        env = i % 3 == 2
        d = corpus.doc(g.pick([".env", "deploy/.env.aws"]) if env else g.pick([".aws/credentials", "home/.aws/credentials", "ci/aws-credentials"]))
        for profile in (["default"] if env else g.sample(["default", "prod", "staging", "ci"], g.int(1, 2))):
            temp = g.chance(0.3)
            if not env:
                d.add(f"[{profile}]")
            key_id = positive(g, "aws", "temp_access_key_id" if temp else "access_key_id", aws["temp_access_key_id" if temp else "access_key_id"])
            secret = positive(g, "aws", "secret_access_key", aws["secret_access_key"])
            fmt = "{}={}" if env else "{} = {}"
            d.put(fmt.format("AWS_ACCESS_KEY_ID" if env else "aws_access_key_id", key_id.value), key_id)
            d.put(fmt.format("AWS_SECRET_ACCESS_KEY" if env else "aws_secret_access_key", secret.value), secret)
            if temp:
                tok = positive(g, "aws", "session_token", aws["session_token"])
                d.put(fmt.format("AWS_SESSION_TOKEN" if env else "aws_session_token", tok.value), tok)
            if env:
                d.add(f"AWS_DEFAULT_REGION={g.pick(['us-east-1', 'eu-central-1'])}")
            else:
                d.add("")


def k8s_secrets(corpus: Corpus, n: int) -> None:
    g = corpus.g
    for i in range(n):
        d = corpus.doc(g.pick(["k8s/secret.yaml", "deploy/k8s/db-secret.yaml", "manifests/secrets.yaml", "kustomize/base/secret.yaml"]))
        name = f"{g.pick(C.SERVICES)}-{g.pick(['db', 'api', 'credentials'])}"
        d.add("apiVersion: v1", "kind: Secret", "metadata:", f"  name: {name}", f"  namespace: {g.pick(['default', 'prod', 'payments'])}", "type: Opaque", "data:")
        for key in g.sample(["password", "DB_PASSWORD", "api-token", "REDIS_PASSWORD", "client-secret"], g.int(1, 2)):
            secret = g.pick([T.human_password, T.random_password])(g)
            enc = base64.b64encode(secret.encode()).decode()
            d.put(f"  {key}: {enc}", Item("k8s_secret", enc, "positive", "data_base64"))
        d.add(f"  username: {base64.b64encode(g.pick(['app', 'postgres', 'admin']).encode()).decode()}")
        if i % 2:
            fam = g.pick(["stripe", "slack", "sendgrid", "github", "datadog"])
            variant, maker = T.POSITIVES[fam][0]
            it = positive(g, fam, variant, maker)
            d.add("stringData:")
            d.put(f"  {C.style(g.pick(it.names), 'kebab')}: {it.value}", it)
    # SealedSecrets: encrypted at rest, safe to commit.
    for _ in range(n // 2):
        d = corpus.doc(g.pick(["k8s/sealed-secret.yaml", "deploy/sealedsecret.yaml"]))
        d.add("apiVersion: bitnami.com/v1alpha1", "kind: SealedSecret", "metadata:", f"  name: {g.pick(C.SERVICES)}-creds", "spec:", "  encryptedData:")
        for key in g.sample(["password", "api-token", "DB_PASSWORD"], 2):
            v = "AgB" + g.s(g.int(300, 600), T.B64)
            d.put(f"    {key}: {v}", Item("k8s_secret", v, "negative", "encrypted"))
    # Secrets whose data is a placeholder or read from elsewhere.
    for _ in range(n // 3):
        d = corpus.doc(g.pick(["chart/templates/secret.yaml", "helm/templates/secret.yaml"]))
        d.add("apiVersion: v1", "kind: Secret", "metadata:", "  name: {{ include \"app.fullname\" . }}", "type: Opaque", "data:")
        v = "{{ .Values.db.password | b64enc | quote }}"
        d.put(f"  password: {v}", Item("k8s_secret", v, "negative", "placeholder"))
        v2 = "{{ required \"apiKey\" .Values.apiKey | b64enc }}"
        d.put(f"  api-key: {v2}", Item("k8s_secret", v2, "negative", "placeholder"))


def docker_configs(corpus: Corpus, n: int) -> None:
    g = corpus.g
    for i in range(n):
        d = corpus.doc(g.pick([".docker/config.json", "ci/docker-config.json", "config.json"]))
        reg = g.pick(["https://index.docker.io/v1/", "ghcr.io", "registry.gitlab.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com"])
        if i % 4 == 3:
            d.add("{", '  "auths": {', f'    "{reg}": {{}}', "  },")
            d.put('  "credsStore": "desktop"', Item("docker_config", "desktop", "negative", "identifier"))
            d.add("}")
            continue
        user = g.pick(["ci-bot", "deploy", "acme"])
        auth = base64.b64encode(f"{user}:{g.pick([T.random_password(g), 'dckr_pat_' + g.s(27, T.B64URL)])}".encode()).decode()
        d.add("{", '  "auths": {', f'    "{reg}": {{')
        d.put(f'      "auth": "{auth}"', Item("docker_config", auth, "positive", "auth_base64"))
        d.add("    }", "  }", "}")


def kubeconfigs(corpus: Corpus, n: int) -> None:
    g = corpus.g
    for i in range(n):
        d = corpus.doc(g.pick(["kubeconfig", ".kube/config", "deploy/kubeconfig.yaml"]))
        cluster = g.pick(["prod-eu", "staging", "gke_acme_us-central1_main"])
        ca = base64.b64encode(T.certificate(g).encode()).decode()
        d.add("apiVersion: v1", "kind: Config", "clusters:", "- cluster:")
        d.put(f"    certificate-authority-data: {ca}", Item("public_key", ca, "negative", "certificate"))
        d.add(f"    server: https://{g.int(10, 250)}.{g.int(0, 250)}.{g.int(0, 250)}.{g.int(1, 250)}:6443", f"  name: {cluster}", "contexts:", "- context:", f"    cluster: {cluster}", f"    user: {cluster}-admin", f"  name: {cluster}", f"current-context: {cluster}", "users:", f"- name: {cluster}-admin", "  user:")
        if i % 2:
            tok = T.jwt(g)
            d.put(f"    token: {tok}", Item("kubeconfig", tok, "positive", "bearer_token"))
        else:
            cert = base64.b64encode(T.certificate(g).encode()).decode()
            d.put(f"    client-certificate-data: {cert}", Item("public_key", cert, "negative", "certificate"))
            key = base64.b64encode(T.private_key(g, "rsa").encode()).decode()
            d.put(f"    client-key-data: {key}", Item("private_key", key, "positive", "base64_pem"))


def credential_files(corpus: Corpus, n: int) -> None:
    g = corpus.g
    for i in range(n):
        # .netrc
        d = corpus.doc(g.pick([".netrc", "home/.netrc", "ci/netrc"]))
        host = g.pick(["api.heroku.com", "github.com", "git.acme.internal", "ftp.example.org"])
        pw = T.POSITIVES["heroku"][1][1](g)[0] if host == "api.heroku.com" else g.pick([T.random_password(g), T.checksummed("ghp_", g)])
        if g.chance(0.5):
            d.add(f"machine {host}", f"  login {g.pick(['deploy', 'me@example.com', 'ci-bot'])}")
            d.put(f"  password {pw}", Item("netrc", pw, "positive", "multiline"))
        else:
            d.put(f"machine {host} login {g.pick(['deploy', 'ci-bot'])} password {pw}", Item("netrc", pw, "positive", "one_line"))
        # .git-credentials
        d = corpus.doc(g.pick([".git-credentials", "home/.git-credentials"]))
        tok = g.pick([T.checksummed("ghp_", g), "glpat-" + g.s(20, T.B64URL), T.random_password(g).replace("@", "a").replace("/", "b").replace(":", "c").replace("#", "d").replace("?", "e").replace("%", "f")])
        d.put(f"https://{g.pick(['octocat', 'ci-bot', 'oauth2'])}:{tok}@{g.pick(['github.com', 'gitlab.com', 'bitbucket.org'])}", Item("git_credentials", tok, "positive", "url"))
        # .pgpass
        d = corpus.doc(g.pick([".pgpass", "home/.pgpass"]))
        d.add("# hostname:port:database:username:password")
        pw = T.human_password(g).replace(":", "")
        d.put(f"{g.pick(['db.internal', 'localhost', '*'])}:5432:{g.pick(['orders', '*'])}:{g.pick(['app', 'postgres'])}:{pw}", Item("pgpass", pw, "positive", "line"))
        # .npmrc
        d = corpus.doc(g.pick([".npmrc", "frontend/.npmrc"]))
        d.add("registry=https://registry.npmjs.org/", "save-exact=true")
        if i % 3 == 2:
            d.put("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", Item("npm", "${NPM_TOKEN}", "negative", "env_read"))
        else:
            tok = T.checksummed("npm_", g)
            d.put(f"//registry.npmjs.org/:_authToken={tok}", Item("npm", tok, "positive", "npmrc"))
        # .pypirc
        d = corpus.doc(g.pick([".pypirc", "home/.pypirc"]))
        d.add("[distutils]", "index-servers =", "    pypi", "", "[pypi]", "username = __token__")
        if i % 3 == 2:
            d.put("password = <your PyPI token>", Item("pypi", "<your PyPI token>", "negative", "placeholder"))
        else:
            tok = T.pypi_token(g)
            d.put(f"password = {tok}", Item("pypi", tok, "positive", "pypirc"))
        # htpasswd
        d = corpus.doc(g.pick([".htpasswd", "nginx/.htpasswd", "auth/htpasswd"]))
        for _ in range(g.int(1, 3)):
            if g.chance(0.5):
                h = f"$apr1${g.s(8, T.ALNUM + './')}${g.s(22, T.ALNUM + './')}"
            else:
                h = f"$2y$05${g.s(53, T.ALNUM + './')}"
            d.put(f"{g.pick(['admin', 'metrics', 'ops', 'grafana'])}:{h}", Item("htpasswd", h, "positive", "hash"))


def http_snippets(corpus: Corpus, n: int) -> None:
    """curl lines and HTTP client files with Authorization headers."""
    g = corpus.g
    for i in range(n):
        d = corpus.doc(g.pick(["scripts/call-api.sh", "api.http", "docs/api-examples.md", "requests.http"]))
        if i % 4 == 0:
            v = "Basic " + base64.b64encode(f"{g.pick(['admin', 'api'])}:{T.random_password(g)}".encode()).decode()
            it = Item("basic_auth", v, "positive", "header")
        elif i % 4 == 1:
            v = "Basic " + base64.b64encode(f"{g.pick(['admin', 'ops'])}:{T.human_password(g)}".encode()).decode()
            it = Item("basic_auth", v, "positive", "header")
        elif i % 4 == 2:
            fam = g.pick(["github", "gitlab", "openai", "huggingface", "digitalocean", "linear"])
            variant, maker = T.POSITIVES[fam][0]
            tok = maker(g)[0]
            v = "Bearer " + tok
            it = Item(fam, tok, "positive", variant)
        else:
            v = g.pick(["Bearer $TOKEN", "Bearer ${API_TOKEN}", "Basic $(echo -n \"$USER:$PASS\" | base64)", "Bearer <token>", "Bearer {{token}}"])
            it = Item("basic_auth", v, "negative", "placeholder")
        if d.path.endswith(".http"):
            d.add(f"GET https://api.{g.pick(C.SERVICES)}.example.com/v1/{C.w(g)}s", "Accept: application/json")
            d.put(f"Authorization: {v}", it, it.value)
        else:
            d.add("#!/usr/bin/env bash" if d.path.endswith(".sh") else "```sh")
            d.put(f"curl -sS -H 'Authorization: {v}' https://api.{g.pick(C.SERVICES)}.example.com/v1/{C.w(g)}s", it, it.value)
            if not d.path.endswith(".sh"):
                d.add("```")


def encrypted_files(corpus: Corpus, n: int) -> None:
    g = corpus.g
    for _ in range(n):
        d = corpus.doc(g.pick(["group_vars/all/vault.yml", "inventory/prod/vault.yml", "roles/db/vars/secrets.yml"]))
        body = g.hex(g.int(400, 900))
        lines = ["$ANSIBLE_VAULT;1.1;AES256"] + [body[i : i + 80] for i in range(0, len(body), 80)]
        d.put_block(lines, Item("password", "\n".join(lines), "negative", "encrypted"))
    for _ in range(n):
        d = corpus.doc(g.pick(["secrets.enc.yaml", "deploy/secrets.sops.yaml", "env/prod.enc.yaml"]))
        for key in g.sample(["db_password", "stripe_secret_key", "github_token", "api_key", "smtp_password"], 3):
            v = f"ENC[AES256_GCM,data:{g.b64(g.int(12, 48))},iv:{g.b64(32)},tag:{g.b64(16)},type:str]"
            d.put(f"{key}: {v}", Item("password", v, "negative", "encrypted"))
        age_recipient = T.age_recipient(g)
        d.add("sops:", "    age:")
        d.put(f"        - recipient: {age_recipient}", Item("age", age_recipient, "negative", "public_key"))
        d.add("          enc: |", "            -----BEGIN AGE ENCRYPTED FILE-----")
        for _ in range(4):
            d.add("            " + g.b64(48))
        d.add("            -----END AGE ENCRYPTED FILE-----", f"    lastmodified: \"2024-0{g.int(1, 9)}-1{g.int(0, 9)}T10:00:00Z\"")
        mac = f"ENC[AES256_GCM,data:{g.b64(64)},iv:{g.b64(32)},tag:{g.b64(16)},type:str]"
        d.put(f"    mac: {mac}", Item("hash", mac, "negative", "encrypted"))
        d.add("    version: 3.8.1")
    for _ in range(n // 2):
        d = corpus.doc(g.pick(["host_vars/db1.yml", "group_vars/web.yml"]))
        d.add("db_user: app", "db_password: !vault |")
        body = g.hex(320)
        lines = ["          $ANSIBLE_VAULT;1.1;AES256"] + ["          " + body[i : i + 64] for i in range(0, len(body), 64)]
        d.put_block(lines, Item("password", "\n".join(lines), "negative", "encrypted"))


# ------------------------------------------------------------------- clean files


def lock_files(corpus: Corpus, n: int) -> None:
    g = corpus.g
    pkgs = ["lodash", "react", "express", "debug", "ms", "chalk", "semver", "uuid", "axios", "zod", "tslib", "commander", "yargs", "minimist", "glob", "rimraf", "picomatch", "micromatch"]
    for _ in range(n):
        d = corpus.doc(g.pick(["package-lock.json", "web/package-lock.json"]))
        d.add("{", f'  "name": "{g.pick(C.SERVICES)}",', '  "lockfileVersion": 3,', '  "packages": {')
        for p in g.sample(pkgs, g.int(6, 14)):
            ver = f"{g.int(0, 9)}.{g.int(0, 30)}.{g.int(0, 20)}"
            integ = "sha512-" + g.b64(64)
            d.add(f'    "node_modules/{p}": {{', f'      "version": "{ver}",', f'      "resolved": "https://registry.npmjs.org/{p}/-/{p}-{ver}.tgz",')
            d.put(f'      "integrity": "{integ}",', Item("hash", integ, "negative", "integrity"))
            d.add('      "license": "MIT"', "    },")
        d.add('    "": { "version": "1.0.0" }', "  }", "}")
    for _ in range(n):
        d = corpus.doc(g.pick(["go.sum", "tools/go.sum"]))
        for m in g.sample(["github.com/spf13/cobra", "golang.org/x/sys", "github.com/stretchr/testify", "google.golang.org/grpc", "github.com/google/uuid", "go.uber.org/zap", "golang.org/x/net"], g.int(3, 7)):
            ver = f"v{g.int(0, 1)}.{g.int(0, 40)}.{g.int(0, 9)}"
            h1 = "h1:" + g.b64(32)
            d.put(f"{m} {ver} {h1}", Item("hash", h1, "negative", "go_sum"))
            h2 = "h1:" + g.b64(32)
            d.put(f"{m} {ver}/go.mod {h2}", Item("hash", h2, "negative", "go_sum"))
    for _ in range(n):
        d = corpus.doc(g.pick(["Cargo.lock", "crates/cli/Cargo.lock"]))
        d.add("# This file is automatically @generated by Cargo.", "# It is not intended for manual editing.", "version = 4", "")
        for c in g.sample(["serde", "regex", "anyhow", "memchr", "libc", "clap", "rayon", "itoa", "ryu", "syn", "quote"], g.int(4, 8)):
            d.add("[[package]]", f'name = "{c}"', f'version = "{g.int(0, 2)}.{g.int(0, 99)}.{g.int(0, 30)}"', 'source = "registry+https://github.com/rust-lang/crates.io-index"')
            h = g.hex(64)
            d.put(f'checksum = "{h}"', Item("hash", h, "negative", "checksum"))
            d.add("")
    for _ in range(n):
        d = corpus.doc(g.pick(["yarn.lock", "app/yarn.lock"]))
        d.add("# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", "")
        for p in g.sample(pkgs, g.int(4, 9)):
            ver = f"{g.int(0, 9)}.{g.int(0, 30)}.{g.int(0, 20)}"
            sha1 = g.hex(40)
            d.add(f'{p}@^{ver}:', f'  version "{ver}"')
            d.put(f'  resolved "https://registry.yarnpkg.com/{p}/-/{p}-{ver}.tgz#{sha1}"', Item("hash", sha1, "negative", "resolved_sha1"))
            integ = "sha512-" + g.b64(64)
            d.put(f"  integrity {integ}", Item("hash", integ, "negative", "integrity"))
            d.add("")


def minified_js(corpus: Corpus, n: int, leaks: list[Item]) -> None:
    g = corpus.g
    for i in range(n):
        d = corpus.doc(g.pick(["dist/app.min.js", "public/js/vendor.min.js", "static/bundle.{n}.js".format(n=g.hex(8))]))
        parts = []
        for _ in range(g.int(20, 60)):
            a, b, c = g.s(1, T.LOWER), g.s(2, T.ALNUM), g.s(1, T.LOWER)
            parts.append(g.pick([
                f"function {a}({b},{c}){{return {b}&&{b}.{C.w(g)}||{c}}}",
                f"var {a}{b}=\"{g.s(g.int(8, 20), T.ALNUM)}\"",
                f"{a}.prototype.{C.w(g)}=function(){{return this._{b}}}",
                f"t.exports={{{C.w(g)}:{g.int(0, 999)}}}",
                f"e.{C.w(g)}Id=\"{g.hex(24)}\"",
            ]))
        line = ";".join(parts)
        d.add("/*! bundle | (c) acme | MIT */")
        if i % 3 == 0:
            uri = "data:image/svg+xml;base64," + g.b64(g.int(100, 300))
            d.put(line + f';var logo="{uri}"', Item("data_uri", uri, "negative", "data_uri"))
        elif i % 3 == 1 and leaks:
            it = leaks.pop()
            d.put(line + f';var cfg={{{C.style(g.pick(it.names), "camel")}:"{it.value}",debug:!1}}', it)
        else:
            pk = "pk_live_" + g.s(24)
            d.put(line + f';Stripe("{pk}")', Item("stripe", pk, "negative", "publishable"))
        d.add("//# sourceMappingURL=" + d.path.rsplit("/", 1)[-1] + ".map")


def clean_code(corpus: Corpus, n: int) -> None:
    """Ordinary source and config with no secrets at all."""
    g = corpus.g
    for _ in range(n):
        lang = C.LANGS[g.pick(C.ASSIGN_LANGS)]
        d = corpus.doc(C.path_for(g, lang))
        d.add(*lang.header(g))
        for _ in range(g.int(5, 30)):
            d.fill(lang.filler(g))
        d.add(*lang.footer(g))


def env_examples(corpus: Corpus, n: int) -> None:
    """.env.example / sample configs: every value a placeholder."""
    g = corpus.g
    fams = list(T.POSITIVES)
    for _ in range(n):
        d = corpus.doc(g.pick([".env.example", ".env.sample", "config/.env.template", "example.env"]))
        d.add("# Copy to .env and fill in")
        for fam in g.sample(fams, g.int(3, 7)):
            name = g.pick(T.POSITIVES[fam][0][1](g)[1])
            v = g.pick(PLACEHOLDERS)(g, name, fam)
            if '"' in v:
                v = "changeme"
            d.put(f"{C.style(name, 'upper')}={v}", Item(fam, v, "negative", "placeholder"))


# ------------------------------------------------------------------- main


def build(seed: int) -> Corpus:
    corpus = Corpus(seed)
    g = corpus.g
    pos = assignment_positives(g)
    # Some positives leak into front-end bundles instead of config files.
    g.shuffle(pos)
    leak_families = {"slack", "stripe", "sendgrid", "gcp", "firebase", "openai", "mailchimp", "twilio"}
    leaks = [it for it in pos if it.family in leak_families and '"' not in it.value][:20]
    leak_ids = {id(it) for it in leaks}
    pos = [it for it in pos if id(it) not in leak_ids]
    neg = negatives(g, C.ASSIGN_LANGS)
    mixed = pos + neg
    place_assignments(corpus, mixed)
    minified_js(corpus, 60, leaks)
    key_files(corpus, 36)
    embedded_keys(corpus, 30)
    gcp_service_accounts(corpus, 16)
    aws_credentials(corpus, 15)
    k8s_secrets(corpus, 24)
    docker_configs(corpus, 16)
    kubeconfigs(corpus, 12)
    credential_files(corpus, 12)
    http_snippets(corpus, 40)
    encrypted_files(corpus, 10)
    lock_files(corpus, 12)
    env_examples(corpus, 30)
    clean_code(corpus, 1700)
    # Added later: the shapes real leaks take beyond token formats (see leaks.py). Kept last so
    # that everything above stays the same for a seed.
    real_leaks.add(corpus, Item, place_assignments)
    return corpus


def write(corpus: Corpus, outdir: str) -> tuple[int, int, int]:
    root = os.path.join(outdir, "corpus")
    os.makedirs(root, exist_ok=True)
    labels = []
    for d in corpus.docs:
        full = os.path.join(root, d.path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as f:
            f.write(d.text())
        labels.extend(d.labels)
    with open(os.path.join(outdir, "labels.jsonl"), "w", encoding="utf-8") as f:
        for lab in labels:
            f.write(json.dumps(lab, sort_keys=True) + "\n")
    npos = sum(1 for lab in labels if lab["kind"] == "positive")
    return len(corpus.docs), npos, len(labels) - npos


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    corpus = build(args.seed)
    files, npos, nneg = write(corpus, args.outdir)
    print(f"wrote {files} files, {npos} positive and {nneg} negative labels to {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
