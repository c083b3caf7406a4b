"""Fake credentials in the providers' documented formats, built from a seeded RNG.

Each maker takes a `Rand` and returns `(value, names)`: the credential exactly as it is
written in a file, and variable names a developer would typically store it under
(UPPER_SNAKE; carriers restyle them). Nothing here is a real credential: every random part
comes from the seeded generator at run time, so the repository holds no live-looking token.

The formats are public facts from the providers' documentation (prefixes, lengths,
alphabets, checksums); they were written without looking at any scanner's rules.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import uuid
import zlib

DIGITS = string.digits
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = LOWER + DIGITS
UPPER_ALNUM = UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
BASE32 = UPPER + "234567"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
# GitHub and npm encode their CRC32 checksum in base62 with digits first.
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


class Rand:
    """Thin wrapper over random.Random with the shapes credentials are made of."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)

    def s(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def hex(self, n: int) -> str:
        return self.s(n, HEX)

    def digits(self, n: int) -> str:
        return self.r.choice("123456789") + self.s(n - 1, DIGITS)

    def bytes(self, n: int) -> bytes:
        return self.r.getrandbits(8 * n).to_bytes(n, "big") if n else b""

    def b64(self, nbytes: int) -> str:
        return base64.b64encode(self.bytes(nbytes)).decode()

    def b64url(self, nbytes: int) -> str:
        return base64.urlsafe_b64encode(self.bytes(nbytes)).decode().rstrip("=")

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def int(self, lo: int, hi: int) -> int:
        return self.r.randint(lo, hi)

    def shuffle(self, seq) -> None:
        self.r.shuffle(seq)

    def sample(self, seq, k: int):
        return self.r.sample(seq, k)


def base62(n: int, width: int) -> str:
    out = ""
    while n:
        n, d = divmod(n, 62)
        out = BASE62[d] + out
    return out.rjust(width, "0")


def crc32_base62(body: str) -> str:
    """The 6-char checksum GitHub and npm append to the 30 random chars of a token."""
    return base62(zlib.crc32(body.encode()) & 0xFFFFFFFF, 6)


def checksummed(prefix: str, g: Rand, valid: bool = True) -> str:
    body = g.s(30)
    check = crc32_base62(body)
    if not valid:
        # Change one checksum character so the CRC no longer matches.
        i = g.int(0, 5)
        check = check[:i] + g.pick([c for c in BASE62 if c != check[i]]) + check[i + 1 :]
    return prefix + body + check


def _bech32_polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32(hrp: str, data: bytes) -> str:
    """BIP-173 bech32 (the encoding age uses for its keys), checksum included."""
    acc, bits, words = 0, 0, []
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            words.append((acc >> bits) & 31)
    if bits:
        words.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = _bech32_polymod(expanded + words + [0] * 6) ^ 1
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[w] for w in words + checksum)


def age_secret_key(g: "Rand") -> str:
    return bech32("age-secret-key-", g.bytes(32)).upper()


def age_recipient(g: "Rand") -> str:
    return bech32("age", g.bytes(32))


# ---------------------------------------------------------------- key material


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xFF])


def _der_seq(body: bytes) -> bytes:
    return b"\x30" + _der_len(len(body)) + body


def _der_int(g: Rand, nbytes: int) -> bytes:
    body = b"\x00" + bytes([0x80 | g.int(0, 127)]) + g.bytes(nbytes - 1)
    return b"\x02" + _der_len(len(body)) + body


def pypi_token(g: Rand) -> str:
    """A PyPI API token: `pypi-` and the base64url of a version 2 macaroon (location pypi.org,
    an identifier, one caveat, a 32-byte signature), as PyPI issues them."""

    def field(kind: int, data: bytes) -> bytes:
        return bytes([kind, len(data)]) + data

    ident = g.bytes(16).hex().encode()
    caveat = ('{"version": 1, "permissions": "user", "nonce": "%s"}' % g.bytes(8).hex()).encode()
    raw = b"\x02" + field(1, b"pypi.org") + field(2, ident) + b"\x00"
    raw += field(2, caveat) + b"\x00" + b"\x00" + field(6, g.bytes(32))
    return "pypi-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def rsa_der(g: Rand, bits: int = 2048) -> bytes:
    """A PKCS#1 RSAPrivateKey-shaped DER blob (random integers, right lengths)."""
    n = bits // 8
    parts = [b"\x02\x01\x00", _der_int(g, n), b"\x02\x03\x01\x00\x01", _der_int(g, n)]
    parts += [_der_int(g, n // 2) for _ in range(5)]
    return _der_seq(b"".join(parts))


def pkcs8_der(g: Rand) -> bytes:
    algo = bytes.fromhex("300d06092a864886f70d0101010500")
    inner = rsa_der(g)
    octet = b"\x04" + _der_len(len(inner)) + inner
    return _der_seq(b"\x02\x01\x00" + algo + octet)


def ec_der(g: Rand) -> bytes:
    oid = bytes.fromhex("a00a06082a8648ce3d030107")
    pub = bytes.fromhex("a144034200") + b"\x04" + g.bytes(64)
    return _der_seq(b"\x02\x01\x01" + b"\x04\x20" + g.bytes(32) + oid + pub)


def openssh_blob(g: Rand) -> bytes:
    def string_(b: bytes) -> bytes:
        return len(b).to_bytes(4, "big") + b

    pub = string_(b"ssh-ed25519") + string_(g.bytes(32))
    check = g.bytes(4)
    priv = check + check + pub + string_(g.bytes(64)) + string_(b"deploy@ci") + b"\x01\x02\x03"
    return (
        b"openssh-key-v1\x00"
        + string_(b"none")
        + string_(b"none")
        + string_(b"")
        + (1).to_bytes(4, "big")
        + string_(pub)
        + string_(priv)
    )


def wrap(b64: str, width: int = 64) -> list[str]:
    return [b64[i : i + width] for i in range(0, len(b64), width)]


def pem(label: str, der: bytes, headers: list[str] | None = None) -> str:
    lines = [f"-----BEGIN {label}-----"]
    if headers:
        lines += headers + [""]
    lines += wrap(base64.b64encode(der).decode())
    lines.append(f"-----END {label}-----")
    return "\n".join(lines)


def private_key(g: Rand, kind: str | None = None) -> str:
    kind = kind or g.pick(["rsa", "pkcs8", "ec", "openssh", "openssh", "pkcs8"])
    if kind == "rsa":
        return pem("RSA PRIVATE KEY", rsa_der(g))
    if kind == "pkcs8":
        return pem("PRIVATE KEY", pkcs8_der(g))
    if kind == "ec":
        return pem("EC PRIVATE KEY", ec_der(g))
    if kind == "openssh":
        body = base64.b64encode(openssh_blob(g)).decode()
        return "\n".join(
            ["-----BEGIN OPENSSH PRIVATE KEY-----"] + wrap(body, 70) + ["-----END OPENSSH PRIVATE KEY-----"]
        )
    raise ValueError(kind)


def ppk(g: Rand) -> str:
    pub = wrap(base64.b64encode(b"\x00\x00\x00\x07ssh-rsa" + g.bytes(270)).decode())
    priv = wrap(base64.b64encode(g.bytes(660)).decode())
    return "\n".join(
        ["PuTTY-User-Key-File-3: ssh-rsa", "Encryption: none", f"Comment: rsa-key-2024{g.int(1, 12):02d}{g.int(1, 28):02d}"]
        + [f"Public-Lines: {len(pub)}"]
        + pub
        + [f"Private-Lines: {len(priv)}"]
        + priv
        + [f"Private-MAC: {g.hex(64)}"]
    )


def pgp_private(g: Rand) -> str:
    body = wrap(base64.b64encode(b"\x95\x03\x98\x04" + g.bytes(900)).decode())
    crc = base64.b64encode(g.bytes(3)).decode()
    return "\n".join(
        ["-----BEGIN PGP PRIVATE KEY BLOCK-----", ""] + body + [f"={crc}", "-----END PGP PRIVATE KEY BLOCK-----"]
    )


def certificate(g: Rand) -> str:
    return pem("CERTIFICATE", _der_seq(_der_seq(g.bytes(700)) + g.bytes(270)))


def public_key_pem(g: Rand) -> str:
    algo = bytes.fromhex("300d06092a864886f70d0101010500")
    bits = b"\x03\x82\x01\x0f\x00" + _der_seq(_der_int(g, 256) + b"\x02\x03\x01\x00\x01")
    return pem("PUBLIC KEY", _der_seq(algo + bits))


def ssh_public(g: Rand) -> str:
    blob = b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x01\x00" + g.bytes(256)
    return f"ssh-rsa {base64.b64encode(blob).decode()} {g.pick(['deploy', 'alice', 'ci', 'build'])}@{g.pick(['laptop', 'bastion', 'runner-3'])}"


def jwt(g: Rand) -> str:
    header = {"alg": g.pick(["HS256", "RS256"]), "typ": "JWT"}
    now = 1_700_000_000 + g.int(0, 60_000_000)
    payload = {
        "sub": g.uuid() if g.chance(0.5) else str(g.int(1000, 99999)),
        "name": g.pick(["Jane Doe", "svc-billing", "deploy-bot", "Amir K"]),
        "iat": now,
        "exp": now + 3600 * g.int(1, 24 * 30),
    }
    if g.chance(0.5):
        payload["role"] = g.pick(["admin", "service_role", "reader"])

    def enc(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    sig = g.b64url(32 if header["alg"] == "HS256" else 256)
    return f"{enc(header)}.{enc(payload)}.{sig}"


# ---------------------------------------------------------------- positives by family

HUMAN_WORDS = [
    "Summer", "Winter", "Dragon", "Monkey", "Sunshine", "Football", "Princess", "Shadow",
    "Tr0ub4dor", "Butterfly", "Kangaroo", "Galaxy", "Billing", "Welcome", "Rainbow", "Falcon",
    "Hunter", "Coffee", "Pumpkin", "Marigold", "Orchid", "Thunder", "Lobster", "Zeppelin",
]


def human_password(g: Rand) -> str:
    w = g.pick(HUMAN_WORDS)
    style = g.int(0, 4)
    if style == 0:
        return f"{w}{g.int(1990, 2025)}{g.pick('!@#$%&*')}"
    if style == 1:
        return f"{w.lower()}-{g.pick(HUMAN_WORDS).lower()}-{g.int(10, 99)}"
    if style == 2:
        return f"{w}{g.pick('!@#$')}{g.int(100, 9999)}{g.pick(HUMAN_WORDS)}"
    if style == 3:
        return w.replace("a", "@").replace("o", "0").replace("e", "3") + str(g.int(1, 999)) + g.pick("!?.")
    return f"{g.pick(HUMAN_WORDS)}{g.pick(HUMAN_WORDS)}{g.int(1, 99)}"


def random_password(g: Rand) -> str:
    style = g.int(0, 3)
    if style == 0:
        return g.s(g.int(16, 28), ALNUM + "!#%+-=_.")
    if style == 1:
        return g.hex(32)
    if style == 2:
        return g.b64(g.int(18, 33)).rstrip("=")
    return g.s(g.int(20, 32), ALNUM)


def aws_session_token(g: Rand) -> str:
    head = g.pick(["FwoGZXIvYXdzE", "IQoJb3JpZ2luX2Vj", "FQoGZXIvYXdzE"])
    return head + g.s(g.int(300, 420), B64).rstrip("/") + g.pick(["", "=", "=="])


def azure_client_secret(g: Rand) -> str:
    return g.s(3, ALNUM) + g.pick(DIGITS) + "Q~" + g.s(34, ALNUM + "_~.-")


def teams_webhook(g: Rand) -> str:
    tenant = g.pick(["contoso", "acmecorp", "fabrikam", "northwind"])
    return (
        f"https://{tenant}.webhook.office.com/webhookb2/{g.uuid()}@{g.uuid()}"
        f"/IncomingWebhook/{g.hex(32)}/{g.uuid()}"
    )


def discord_bot(g: Rand) -> str:
    uid = base64.b64encode(g.digits(18).encode()).decode().rstrip("=")
    return f"{uid}.{g.s(6, B64URL)}.{g.s(38, B64URL)}"


def grafana_cloud(g: Rand) -> str:
    body = json.dumps({"o": g.digits(6), "n": f"stack-{g.digits(6)}-hm-read", "k": g.s(24), "m": {"r": "prod-us-east-0"}}, separators=(",", ":"))
    return "glc_" + base64.b64encode(body.encode()).decode().rstrip("=")


def sentry_org_token(g: Rand) -> str:
    body = json.dumps({"iat": 1_700_000_000 + g.int(0, 9_999_999), "url": "https://sentry.io", "region_url": "https://us.sentry.io", "org": g.pick(["acme", "northwind", "globex"])}, separators=(",", ":"))
    return "sntrys_" + base64.b64encode(body.encode()).decode().rstrip("=") + "_" + g.s(43, B64URL)


def _az_storage_key(g: Rand) -> str:
    return base64.b64encode(g.bytes(64)).decode()


def _conn_string(g: Rand) -> tuple[str, tuple]:
    user = g.pick(["app", "billing", "svc_orders", "admin", "report_ro", "etl"])
    pw = g.pick([human_password, random_password])(g).replace("@", "at").replace("/", "x").replace(":", "x").replace("#", "n").replace("?", "q").replace("%", "p")
    host = g.pick(["db.internal", "10.0.3.17", "prod-db.cluster-c1x2y3.eu-west-1.rds.amazonaws.com", "pg-main.svc.cluster.local", "mysql-primary"])
    db = g.pick(["orders", "billing", "app_production", "analytics"])
    kind = g.int(0, 7)
    if kind == 0:
        return f"postgres://{user}:{pw}@{host}:5432/{db}", ("DATABASE_URL",)
    if kind == 1:
        return f"postgresql://{user}:{pw}@{host}/{db}?sslmode=require", ("DATABASE_URL", "PG_DSN")
    if kind == 2:
        return f"mysql://{user}:{pw}@{host}:3306/{db}", ("DATABASE_URL", "MYSQL_URL")
    if kind == 3:
        return f"mongodb://{user}:{pw}@{host}:27017/{db}?authSource=admin", ("MONGO_URL", "MONGODB_URI")
    if kind == 4:
        return f"redis://:{pw}@{g.pick(['redis-master', 'cache.internal'])}:6379/0", ("REDIS_URL",)
    if kind == 5:
        return f"amqp://{user}:{pw}@{g.pick(['rabbitmq', 'mq.internal'])}:5672/%2F", ("AMQP_URL", "BROKER_URL")
    if kind == 6:
        return f"Server=tcp:{g.pick(['sql-prod', 'acme-sql'])}.database.windows.net,1433;Initial Catalog={db};User ID={user};Password={pw};Encrypt=True;", ("ConnectionStrings__Default", "SQL_CONNECTION")
    return f"jdbc:postgresql://{host}:5432/{db}?user={user}&password={pw}", ("JDBC_URL", "SPRING_DATASOURCE_URL")


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


# Each entry: family -> list of (variant, maker). A maker returns (value, names).
POSITIVES: dict[str, list] = {
    "aws": [
        ("access_key_id", lambda g: ("AKIA" + g.s(16, BASE32), ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"))),
        ("secret_access_key", lambda g: (g.s(40, B64), ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"))),
        ("session_token", lambda g: (aws_session_token(g), ("AWS_SESSION_TOKEN",))),
        ("temp_access_key_id", lambda g: ("ASIA" + g.s(16, BASE32), ("AWS_ACCESS_KEY_ID",))),
    ],
    "gcp": [
        ("api_key", lambda g: ("AIza" + g.s(35, B64URL), ("GOOGLE_API_KEY", "GOOGLE_MAPS_API_KEY", "API_KEY"))),
        ("oauth_client_secret", lambda g: ("GOCSPX-" + g.s(28, B64URL), ("GOOGLE_CLIENT_SECRET", "CLIENT_SECRET"))),
    ],
    "azure": [
        ("storage_key", lambda g: (_az_storage_key(g), ("AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY"))),
        (
            "storage_connection_string",
            lambda g: (
                f"DefaultEndpointsProtocol=https;AccountName={g.pick(['acmeprod', 'stbilling01', 'logsarchive'])}{g.int(1, 99)};AccountKey={_az_storage_key(g)};EndpointSuffix=core.windows.net",
                ("AZURE_STORAGE_CONNECTION_STRING", "AzureWebJobsStorage"),
            ),
        ),
        (
            "sas_url",
            lambda g: (
                f"https://{g.pick(['acmeprod', 'stbilling01'])}.blob.core.windows.net/{g.pick(['exports', 'backups'])}?sv=2022-11-02&ss=b&srt=sco&sp=rwdlacupiytfx&se=2027-0{g.int(1, 9)}-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig={g.b64(32).replace('+', '%2B').replace('/', '%2F').replace('=', '%3D')}",
                ("AZURE_SAS_URL", "BLOB_SAS_URL"),
            ),
        ),
        ("ad_client_secret", lambda g: (azure_client_secret(g), ("AZURE_CLIENT_SECRET", "ClientSecret"))),
    ],
    "github": [
        ("ghp", lambda g: (checksummed("ghp_", g), ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"))),
        ("gho", lambda g: (checksummed("gho_", g), ("GITHUB_OAUTH_TOKEN", "TOKEN"))),
        ("ghu", lambda g: (checksummed("ghu_", g), ("GITHUB_USER_TOKEN", "TOKEN"))),
        ("ghs", lambda g: (checksummed("ghs_", g), ("GITHUB_APP_TOKEN", "INSTALLATION_TOKEN"))),
        ("ghr", lambda g: (checksummed("ghr_", g), ("GITHUB_REFRESH_TOKEN", "REFRESH_TOKEN"))),
        ("fine_grained", lambda g: ("github_pat_" + g.s(22) + "_" + g.s(59), ("GITHUB_TOKEN", "GH_PAT"))),
    ],
    "gitlab": [
        ("glpat", lambda g: ("glpat-" + g.s(20, B64URL), ("GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_TOKEN"))),
        ("gldt", lambda g: ("gldt-" + g.s(20, B64URL), ("GITLAB_DEPLOY_TOKEN",))),
        ("glrt", lambda g: ("glrt-" + g.s(20, B64URL), ("RUNNER_TOKEN", "CI_SERVER_TOKEN"))),
        ("glptt", lambda g: ("glptt-" + g.hex(40), ("TRIGGER_TOKEN",))),
        ("gloas", lambda g: ("gloas-" + g.hex(64), ("GITLAB_OAUTH_SECRET",))),
        ("glft", lambda g: ("glft-" + g.s(20, B64URL), ("GITLAB_FEED_TOKEN",))),
        ("glimt", lambda g: ("glimt-" + g.s(25, LOWER_ALNUM), ("GITLAB_INCOMING_EMAIL_TOKEN",))),
        ("glagent", lambda g: ("glagent-" + g.s(50, B64URL), ("GITLAB_AGENT_TOKEN", "AGENT_TOKEN"))),
        ("glsoat", lambda g: ("glsoat-" + g.s(20, B64URL), ("GITLAB_SCIM_TOKEN",))),
    ],
    "bitbucket": [
        ("app_password", lambda g: ("ATBB" + g.s(28) + g.hex(8).upper(), ("BITBUCKET_APP_PASSWORD", "BB_PASSWORD"))),
        ("access_token", lambda g: ("ATCTT3xFfGN0" + g.s(170, B64URL) + "=" + g.hex(8).upper(), ("BITBUCKET_ACCESS_TOKEN",))),
    ],
    "slack": [
        ("bot", lambda g: (f"xoxb-{g.digits(12)}-{g.digits(13)}-{g.s(24)}", ("SLACK_BOT_TOKEN", "SLACK_TOKEN"))),
        ("user", lambda g: (f"xoxp-{g.digits(12)}-{g.digits(12)}-{g.digits(13)}-{g.hex(32)}", ("SLACK_USER_TOKEN", "SLACK_TOKEN"))),
        ("app", lambda g: (f"xapp-1-A{g.s(10, UPPER_ALNUM)}-{g.digits(13)}-{g.hex(64)}", ("SLACK_APP_TOKEN",))),
        ("webhook", lambda g: (f"https://hooks.slack.com/services/T{g.s(10, UPPER_ALNUM)}/B{g.s(10, UPPER_ALNUM)}/{g.s(24)}", ("SLACK_WEBHOOK_URL", "SLACK_WEBHOOK"))),
    ],
    "discord": [
        ("bot_token", lambda g: (discord_bot(g), ("DISCORD_BOT_TOKEN", "DISCORD_TOKEN"))),
        ("webhook", lambda g: (f"https://discord.com/api/webhooks/{g.digits(19)}/{g.s(68, B64URL)}", ("DISCORD_WEBHOOK_URL",))),
    ],
    "telegram": [("bot_token", lambda g: (f"{g.digits(10)}:AA{g.s(33, B64URL)}", ("TELEGRAM_BOT_TOKEN", "TG_TOKEN", "BOT_TOKEN")))],
    "teams": [("webhook", lambda g: (teams_webhook(g), ("TEAMS_WEBHOOK_URL", "MSTEAMS_WEBHOOK")))],
    "stripe": [
        ("secret", lambda g: ("sk_live_" + g.s(g.pick([24, 99])), ("STRIPE_SECRET_KEY", "STRIPE_API_KEY"))),
        ("restricted", lambda g: ("rk_live_" + g.s(g.pick([24, 99])), ("STRIPE_RESTRICTED_KEY",))),
        ("webhook_secret", lambda g: ("whsec_" + g.s(32), ("STRIPE_WEBHOOK_SECRET",))),
    ],
    "square": [
        ("access_token", lambda g: ("EAAA" + g.s(60, B64URL), ("SQUARE_ACCESS_TOKEN",))),
        ("oauth_secret", lambda g: ("sq0csp-" + g.s(43, B64URL), ("SQUARE_APPLICATION_SECRET",))),
    ],
    "paypal": [("braintree_access_token", lambda g: (f"access_token$production${g.s(16, LOWER_ALNUM)}${g.hex(32)}", ("BRAINTREE_ACCESS_TOKEN", "PAYPAL_ACCESS_TOKEN")))],
    "shopify": [
        ("admin_token", lambda g: ("shpat_" + g.hex(32), ("SHOPIFY_ACCESS_TOKEN", "SHOPIFY_ADMIN_TOKEN"))),
        ("shared_secret", lambda g: ("shpss_" + g.hex(32), ("SHOPIFY_API_SECRET",))),
        ("custom_app", lambda g: ("shpca_" + g.hex(32), ("SHOPIFY_TOKEN",))),
    ],
    "twilio": [
        ("api_key", lambda g: ("SK" + g.hex(32), ("TWILIO_API_KEY",))),
        ("auth_token", lambda g: (g.hex(32), ("TWILIO_AUTH_TOKEN",))),
    ],
    "sendgrid": [("api_key", lambda g: (f"SG.{g.s(22, B64URL)}.{g.s(43, B64URL)}", ("SENDGRID_API_KEY", "EMAIL_API_KEY")))],
    "mailgun": [
        ("api_key", lambda g: ("key-" + g.hex(32), ("MAILGUN_API_KEY",))),
        ("api_key_new", lambda g: (f"{g.hex(32)}-{g.hex(8)}-{g.hex(8)}", ("MAILGUN_API_KEY", "MAILGUN_KEY"))),
    ],
    "mailchimp": [("api_key", lambda g: (f"{g.hex(32)}-us{g.int(1, 21)}", ("MAILCHIMP_API_KEY", "MC_API_KEY")))],
    "postmark": [("server_token", lambda g: (g.uuid(), ("POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN")))],
    "openai": [
        ("project", lambda g: ("sk-proj-" + g.s(74, B64URL) + "T3BlbkFJ" + g.s(74, B64URL), ("OPENAI_API_KEY",))),
        ("legacy", lambda g: ("sk-" + g.s(20) + "T3BlbkFJ" + g.s(20), ("OPENAI_API_KEY", "OPENAI_KEY"))),
        ("service_account", lambda g: ("sk-svcacct-" + g.s(74, B64URL) + "T3BlbkFJ" + g.s(74, B64URL), ("OPENAI_API_KEY",))),
    ],
    "anthropic": [
        ("api_key", lambda g: ("sk-ant-api03-" + g.s(93, B64URL) + "AA", ("ANTHROPIC_API_KEY", "CLAUDE_API_KEY"))),
        ("admin_key", lambda g: ("sk-ant-admin01-" + g.s(93, B64URL) + "AA", ("ANTHROPIC_ADMIN_KEY",))),
    ],
    "huggingface": [
        ("user_token", lambda g: ("hf_" + g.s(34, string.ascii_letters), ("HF_TOKEN", "HUGGINGFACE_TOKEN", "HUGGING_FACE_HUB_TOKEN"))),
        ("org_token", lambda g: ("api_org_" + g.s(34, string.ascii_letters), ("HF_ORG_TOKEN",))),
    ],
    "cohere": [("api_key", lambda g: (g.s(40), ("COHERE_API_KEY", "CO_API_KEY")))],
    "replicate": [("api_token", lambda g: ("r8_" + g.s(37), ("REPLICATE_API_TOKEN",)))],
    "groq": [("api_key", lambda g: ("gsk_" + g.s(52), ("GROQ_API_KEY",)))],
    "npm": [("access_token", lambda g: (checksummed("npm_", g), ("NPM_TOKEN", "NODE_AUTH_TOKEN")))],
    "pypi": [("upload_token", lambda g: (pypi_token(g), ("PYPI_TOKEN", "TWINE_PASSWORD", "PYPI_API_TOKEN")))],
    "rubygems": [("api_key", lambda g: ("rubygems_" + g.hex(48), ("GEM_HOST_API_KEY", "RUBYGEMS_API_KEY")))],
    "nuget": [("api_key", lambda g: ("oy2" + g.s(43, LOWER_ALNUM), ("NUGET_API_KEY",)))],
    "crates": [("api_token", lambda g: ("cio" + g.s(32), ("CARGO_REGISTRY_TOKEN", "CRATES_IO_TOKEN")))],
    "dockerhub": [
        ("pat", lambda g: ("dckr_pat_" + g.s(27, B64URL), ("DOCKERHUB_TOKEN", "DOCKER_PASSWORD"))),
        ("oat", lambda g: ("dckr_oat_" + g.s(32, B64URL), ("DOCKER_ORG_TOKEN",))),
    ],
    "jfrog": [
        ("api_key", lambda g: ("AKCp" + g.s(69), ("ARTIFACTORY_API_KEY", "JFROG_API_KEY"))),
        ("reference_token", lambda g: ("cmVmdGtuOjAxOj" + g.s(50), ("JFROG_ACCESS_TOKEN", "ARTIFACTORY_TOKEN"))),
    ],
    "heroku": [
        ("api_key_uuid", lambda g: (g.uuid(), ("HEROKU_API_KEY",))),
        ("platform_key", lambda g: ("HRKU-AA" + g.s(58, B64URL), ("HEROKU_API_KEY", "HEROKU_TOKEN"))),
    ],
    "digitalocean": [
        ("pat", lambda g: ("dop_v1_" + g.hex(64), ("DIGITALOCEAN_TOKEN", "DO_TOKEN"))),
        ("oauth", lambda g: ("doo_v1_" + g.hex(64), ("DIGITALOCEAN_ACCESS_TOKEN",))),
        ("refresh", lambda g: ("dor_v1_" + g.hex(64), ("DO_REFRESH_TOKEN",))),
    ],
    "linode": [("pat", lambda g: (g.hex(64), ("LINODE_TOKEN", "LINODE_API_TOKEN")))],
    "vercel": [
        ("token", lambda g: (g.s(24), ("VERCEL_TOKEN",))),
        ("prefixed", lambda g: ("vcp_" + g.s(56), ("VERCEL_TOKEN",))),
    ],
    "netlify": [
        ("pat", lambda g: ("nfp_" + g.s(36), ("NETLIFY_AUTH_TOKEN",))),
        ("legacy", lambda g: (g.s(43, B64URL), ("NETLIFY_AUTH_TOKEN", "NETLIFY_TOKEN"))),
    ],
    "cloudflare": [
        ("api_token", lambda g: (g.s(40, B64URL), ("CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"))),
        ("global_key", lambda g: (g.hex(37), ("CLOUDFLARE_API_KEY", "CF_API_KEY"))),
        ("origin_ca", lambda g: ("v1.0-" + g.hex(24) + "-" + g.hex(146), ("CF_ORIGIN_CA_KEY",))),
    ],
    "fastly": [("api_token", lambda g: (g.s(32, B64URL), ("FASTLY_API_TOKEN", "FASTLY_API_KEY")))],
    "datadog": [
        ("api_key", lambda g: (g.hex(32), ("DD_API_KEY", "DATADOG_API_KEY"))),
        ("app_key", lambda g: (g.hex(40), ("DD_APP_KEY", "DATADOG_APP_KEY"))),
    ],
    "newrelic": [
        ("user_key", lambda g: ("NRAK-" + g.s(27, UPPER_ALNUM), ("NEW_RELIC_API_KEY", "NEWRELIC_API_KEY"))),
        ("license", lambda g: (g.hex(36) + "NRAL", ("NEW_RELIC_LICENSE_KEY",))),
        ("insert_key", lambda g: ("NRII-" + g.s(32, B64URL), ("NEW_RELIC_INSERT_KEY",))),
    ],
    "sentry": [
        ("user_token", lambda g: ("sntryu_" + g.hex(64), ("SENTRY_AUTH_TOKEN",))),
        ("org_token", lambda g: (sentry_org_token(g), ("SENTRY_AUTH_TOKEN",))),
        ("legacy_token", lambda g: (g.hex(64), ("SENTRY_AUTH_TOKEN",))),
    ],
    "pagerduty": [
        ("api_key", lambda g: (g.s(20, ALNUM + "_-+"), ("PAGERDUTY_API_KEY", "PAGERDUTY_TOKEN"))),
        ("integration_key", lambda g: (g.hex(32), ("PAGERDUTY_INTEGRATION_KEY", "PD_ROUTING_KEY"))),
    ],
    "grafana": [
        ("cloud_token", lambda g: (grafana_cloud(g), ("GRAFANA_CLOUD_TOKEN",))),
        ("service_account", lambda g: ("glsa_" + g.s(32) + "_" + g.hex(8), ("GRAFANA_TOKEN", "GRAFANA_SA_TOKEN"))),
    ],
    "okta": [("api_token", lambda g: ("00" + g.s(40, B64URL), ("OKTA_API_TOKEN", "OKTA_TOKEN")))],
    "auth0": [
        ("client_secret", lambda g: (g.s(64, B64URL), ("AUTH0_CLIENT_SECRET",))),
    ],
    "atlassian": [("api_token", lambda g: ("ATATT3xFfGF0" + g.s(171, B64URL) + "=" + g.hex(8).upper(), ("JIRA_API_TOKEN", "ATLASSIAN_API_TOKEN", "CONFLUENCE_TOKEN")))],
    "linear": [("api_key", lambda g: ("lin_api_" + g.s(40), ("LINEAR_API_KEY",)))],
    "notion": [
        ("integration_secret", lambda g: ("secret_" + g.s(43), ("NOTION_TOKEN", "NOTION_API_KEY"))),
        ("ntn", lambda g: ("ntn_" + g.digits(11) + g.s(35), ("NOTION_TOKEN",))),
    ],
    "airtable": [("pat", lambda g: ("pat" + g.s(14) + "." + g.hex(64), ("AIRTABLE_API_KEY", "AIRTABLE_TOKEN")))],
    "asana": [("pat", lambda g: (f"2/{g.digits(16)}/{g.digits(16)}:{g.hex(32)}", ("ASANA_TOKEN", "ASANA_PAT")))],
    "postman": [("api_key", lambda g: (f"PMAK-{g.hex(24)}-{g.hex(34)}", ("POSTMAN_API_KEY",)))],
    "doppler": [
        ("personal", lambda g: ("dp.pt." + g.s(43), ("DOPPLER_TOKEN",))),
        ("service", lambda g: ("dp.st." + g.pick(["prd.", "dev.", ""]) + g.s(43), ("DOPPLER_TOKEN", "DOPPLER_SERVICE_TOKEN"))),
    ],
    "vault": [
        ("service_token", lambda g: ("hvs." + g.s(90, B64URL), ("VAULT_TOKEN",))),
        ("batch_token", lambda g: ("hvb." + g.s(138, B64URL), ("VAULT_TOKEN",))),
    ],
    "terraform_cloud": [("api_token", lambda g: (g.s(14) + ".atlasv1." + g.s(67, B64URL), ("TFE_TOKEN", "TF_API_TOKEN", "ATLAS_TOKEN")))],
    "databricks": [("pat", lambda g: ("dapi" + g.hex(32) + g.pick(["", "-2", "-3"]), ("DATABRICKS_TOKEN",)))],
    "snowflake": [
        ("password", lambda g: (random_password(g), ("SNOWFLAKE_PASSWORD", "SNOWSQL_PWD"))),
        (
            "connection_url",
            lambda g: (
                f"snowflake://{g.pick(['etl_user', 'dbt', 'loader'])}:{g.s(20)}@{g.s(7, UPPER_ALNUM).lower()}-{g.s(7, UPPER_ALNUM).lower()}/ANALYTICS/PUBLIC?warehouse=COMPUTE_WH",
                ("SNOWFLAKE_URL", "SNOWFLAKE_DSN"),
            ),
        ),
    ],
    "supabase": [
        ("access_token", lambda g: ("sbp_" + g.hex(40), ("SUPABASE_ACCESS_TOKEN",))),
        ("secret_key", lambda g: ("sb_secret_" + g.s(22, B64URL) + "_" + g.s(8, B64URL), ("SUPABASE_SECRET_KEY",))),
    ],
    "planetscale": [
        ("service_token", lambda g: ("pscale_tkn_" + g.s(43, B64URL), ("PLANETSCALE_SERVICE_TOKEN",))),
        ("password", lambda g: ("pscale_pw_" + g.s(43, B64URL), ("DATABASE_PASSWORD", "PLANETSCALE_PASSWORD"))),
    ],
    "mongodb_atlas": [
        (
            "srv_url",
            lambda g: (
                f"mongodb+srv://{g.pick(['app', 'admin', 'reporting'])}:{g.s(16)}@cluster{g.int(0, 9)}.{g.s(5, LOWER_ALNUM)}.mongodb.net/{g.pick(['prod', 'app'])}?retryWrites=true&w=majority",
                ("MONGODB_URI", "MONGO_URL", "ATLAS_URI"),
            ),
        ),
        ("api_private_key", lambda g: (g.uuid(), ("MONGODB_ATLAS_PRIVATE_KEY", "ATLAS_PRIVATE_KEY"))),
    ],
    "firebase": [("fcm_server_key", lambda g: (f"AAAA{g.s(7, B64URL)}:APA91b{g.s(134, B64URL)}", ("FCM_SERVER_KEY", "FIREBASE_SERVER_KEY")))],
    "twitch": [
        ("client_secret", lambda g: (g.s(30, LOWER_ALNUM), ("TWITCH_CLIENT_SECRET",))),
        ("oauth", lambda g: ("oauth:" + g.s(30, LOWER_ALNUM), ("TWITCH_OAUTH_TOKEN", "TWITCH_TOKEN"))),
    ],
    "age": [("secret_key", lambda g: (age_secret_key(g), ("AGE_SECRET_KEY", "SOPS_AGE_KEY")))],
    "jwt": [("token", lambda g: (jwt(g), ("JWT", "ACCESS_TOKEN", "AUTH_TOKEN", "SUPABASE_SERVICE_ROLE_KEY")))],
    "connection_string": [("url", _conn_string)],
    "password": [
        ("human", lambda g: (human_password(g), ("DB_PASSWORD", "PASSWORD", "ADMIN_PASSWORD", "SMTP_PASSWORD", "MYSQL_ROOT_PASSWORD", "REDIS_PASSWORD", "LDAP_BIND_PASSWORD"))),
        ("random", lambda g: (random_password(g), ("DB_PASSWORD", "SECRET_KEY", "API_SECRET", "APP_SECRET", "SESSION_SECRET", "CLIENT_SECRET", "JWT_SECRET", "ENCRYPTION_KEY"))),
    ],
    "basic_auth": [
        ("header", lambda g: ("Basic " + _b64(f"{g.pick(['admin', 'ci', 'deploy', 'api'])}:{g.pick([human_password, random_password])(g)}"), ("AUTHORIZATION",))),
    ],
}

# Families whose credentials are carried by dedicated file formats (credential files, key
# files, Kubernetes Secrets ...), counted alongside the assignment-style ones above.
STRUCTURED_FAMILIES = ["private_key", "gcp", "k8s_secret", "docker_config", "kubeconfig", "netrc", "git_credentials", "pgpass", "htpasswd", "npm", "pypi", "basic_auth"]
