#!/usr/bin/env bash
# Builds the demo of `sprawl inventory` shown in the README (and opened by the browser test):
# two git repositories and a folder, holding fake credentials generated here, at run time, from
# a fixed seed. Dates, names and config are fixed too, so every run writes the same bytes and the
# same commit ids, and the README's output can be checked against a fresh run.
#
#   bash examples/inventory-demo.sh /tmp/sprawl-demo
#   cd /tmp/sprawl-demo && sprawl inventory app api deploy
#
# The story: one GitHub token is copied into both repositories; `app` moves it out of its
# settings but later pastes it into a release script, and `api` deletes the tool that held it. A
# database password sits in `api`'s compose file and in the `deploy` folder. An AWS key pair was
# committed on a branch of `api` that was never merged.
set -euo pipefail

dir=${1:?usage: inventory-demo.sh DIR (a folder that does not exist yet, or is empty)}
if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
  echo "inventory-demo.sh: $dir is not empty" >&2
  exit 2
fi
mkdir -p "$dir"
cd "$dir"

# Fake credentials of the right shapes: a GitHub classic token with a valid CRC32 checksum, a
# PostgreSQL password, an AWS key pair. None of them was ever issued by anyone.
read -r github_token db_password aws_key_id aws_secret < <(python3 - <<'PY'
import random, zlib
rng = random.Random(20240301)
alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def pick(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))
payload = pick(alnum, 30)
value, digits = zlib.crc32(payload.encode()), []
for _ in range(6):
    digits.append(base62[value % 62])
    value //= 62
github = "ghp_" + payload + "".join(reversed(digits))
password = pick(alnum, 16)
key_id = "AKIA" + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
secret = pick(alnum + "/+", 40)
print(github, password, key_id, secret)
PY
)

# No global or system git config: the same commits on every machine.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_COMMITTER_NAME="Demo CI" GIT_COMMITTER_EMAIL="ci@example.com"

# commit REPO DATE "AUTHOR <EMAIL>" MESSAGE: commits everything staged in REPO at DATE.
commit() {
  local repo=$1 date=$2 author=$3 message=$4
  GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
    git -C "$repo" commit --quiet --author="$author" -m "$message"
}

new_repo() {
  git init --quiet --initial-branch=main "$1"
}

new_repo app
mkdir -p app/config app/scripts
cat > app/config/settings.py <<PYFILE
import os

SERVICE_NAME = "billing"
GITHUB_TOKEN = "$github_token"
PYFILE
git -C app add -A
commit app 2024-03-01T10:00:00+01:00 "Ada Lovelace <ada@example.com>" "Add service settings"
cat > app/config/settings.py <<'PYFILE'
import os

SERVICE_NAME = "billing"
GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
PYFILE
git -C app add -A
commit app 2024-03-04T15:30:00+01:00 "Grace Hopper <grace@example.com>" "Read the GitHub token from the environment"
cat > app/scripts/release.sh <<SHFILE
#!/bin/sh
set -e
export GH_TOKEN=$github_token
gh release create "\$1" dist/*
SHFILE
git -C app add -A
commit app 2024-03-08T09:15:00+01:00 "Ada Lovelace <ada@example.com>" "Add the release script"

new_repo api
mkdir -p api/tools
cat > api/docker-compose.yml <<YAML
services:
  api:
    image: example/api:1.4
    environment:
      DATABASE_URL: postgres://api:$db_password@db:5432/api
YAML
cat > api/tools/sync.py <<PYFILE
import requests

TOKEN = "$github_token"
requests.get("https://api.github.com/user", headers={"Authorization": f"token {TOKEN}"})
PYFILE
git -C api add -A
commit api 2024-03-02T11:00:00+01:00 "Linus Torvalds <linus@example.com>" "Initial API service"
git -C api checkout --quiet -b backup-experiment
mkdir -p api/scripts
cat > api/scripts/backup.sh <<SHFILE
#!/bin/sh
export aws_access_key_id=$aws_key_id
export aws_secret_access_key=$aws_secret
aws s3 sync /var/backups s3://example-backups/
SHFILE
git -C api add -A
commit api 2024-03-07T13:00:00+01:00 "Margaret Hamilton <margaret@example.com>" "Try S3 backups"
git -C api checkout --quiet main
git -C api rm --quiet tools/sync.py
commit api 2024-03-06T17:45:00+01:00 "Linus Torvalds <linus@example.com>" "Remove the sync tool"

mkdir -p deploy
cat > deploy/prod.env <<ENV
DATABASE_URL=postgres://api:$db_password@db.prod.internal:5432/api
LOG_LEVEL=info
ENV

echo "inventory-demo.sh: built app/, api/ and deploy/ in $PWD"
