#!/usr/bin/env bash
# Builds the course's single-user image (the top-level Dockerfile) with podman, or docker when there
# is no podman, and prints its name, size and build time.
#
#   bash scripts/build-image.sh [--edition student|teacher] [--tag TAG] [--local-base] [--no-jupyterhub]
#
#   --local-base     no registry: make the Debian bookworm base with mmdebstrap (apt-get install
#                    mmdebstrap) and use it as localhost/debian:bookworm
#   --no-jupyterhub  leave out jupyterhub (jupyterhub-singleuser); the image then serves `jupyter lab` only
# Variables: IMAGE (default tsdl-course), NODE_VERSION, BASE_IMAGE, JUPYTERHUB_VERSION.
# Where this workplace's Python package mirror exists (/opt/pypi), podman mounts it into the build and
# pip installs from it; jupyterhub is then left out when the mirror lacks it (said in one line).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-tsdl-course}
edition=student tag="" local_base=0 hub=1
while [ $# -gt 0 ]; do
  case "$1" in
    --edition) edition=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --local-base) local_base=1; shift ;;
    --no-jupyterhub) hub=0; shift ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
case "$edition" in student|teacher) ;; *) echo "build-image: --edition is student or teacher" >&2; exit 2 ;; esac
# The tag pins what a hub pulls: the commit, marked when the tree had changes, and the edition.
if [ -z "$tag" ]; then
  tag=$(git rev-parse --short=12 HEAD 2>/dev/null || echo dev)
  [ -n "$(git status --porcelain 2>/dev/null)" ] && tag="$tag-dirty"
  tag="$tag-$edition"
fi

args=(--build-arg "EDITION=$edition")
[ -n "${NODE_VERSION:-}" ] && args+=(--build-arg "NODE_VERSION=$NODE_VERSION")
[ -n "${JUPYTERHUB_VERSION:-}" ] && args+=(--build-arg "JUPYTERHUB_VERSION=$JUPYTERHUB_VERSION")

if command -v podman >/dev/null; then
  engine=(podman)
  # Podman on these machines: no ulimit defaults it cannot set, and runc (crun refuses hybrid cgroups).
  if [ -z "${CONTAINERS_CONF:-}" ]; then
    mkdir -p tmp/podman
    printf '[containers]\ndefault_ulimits = []\n' > tmp/podman/containers.conf
    export CONTAINERS_CONF=$PWD/tmp/podman/containers.conf
  fi
  command -v runc >/dev/null && engine+=(--runtime runc)
  # Where the host's npm reaches the registry through a TLS proxy with its own CA, so does the build.
  cafile=$(npm config get cafile 2>/dev/null || true)
  if [ -n "$cafile" ] && [ "$cafile" != null ] && [ "$cafile" != undefined ] && [ -f "$cafile" ]; then
    args+=(-v "$cafile:/etc/ssl/build-ca.crt:ro" --build-arg NPM_CONFIG_CAFILE=/etc/ssl/build-ca.crt)
  fi
  if [ -d /opt/pypi/simple ]; then
    args+=(-v /opt/pypi:/opt/pypi:ro --build-arg PIP_INDEX_URL=file:///opt/pypi/simple)
    if [ "$hub" = 1 ] && [ ! -d /opt/pypi/simple/jupyterhub ]; then
      echo "build-image: the package mirror has no jupyterhub, so the image is built without it (jupyter lab only)"
      hub=0
    fi
  fi
elif command -v docker >/dev/null; then
  engine=(docker)
else
  echo "build-image: neither podman nor docker is installed (Debian: apt-get install podman runc)" >&2
  exit 1
fi
args+=(--build-arg "INSTALL_JUPYTERHUB=$hub")

if [ "$local_base" = 1 ]; then
  BASE_IMAGE=${BASE_IMAGE:-localhost/debian:bookworm}
  if ! "${engine[@]}" image exists "$BASE_IMAGE" 2>/dev/null; then
    mkdir -p tmp/podman
    echo "Making $BASE_IMAGE with mmdebstrap (about a minute)"
    mmdebstrap --variant=minbase --quiet bookworm tmp/podman/base.tar
    "${engine[@]}" import tmp/podman/base.tar "$BASE_IMAGE" >/dev/null
    rm -f tmp/podman/base.tar
  fi
fi
[ -n "${BASE_IMAGE:-}" ] && args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")

start=$(date +%s)
"${engine[@]}" build "${args[@]}" -t "$IMAGE:$tag" .
secs=$(( $(date +%s) - start ))
size=$("${engine[@]}" image inspect --format '{{.Size}}' "$IMAGE:$tag")
echo "Built $IMAGE:$tag in ${secs} s; size $(( size / 1000000 )) MB"
