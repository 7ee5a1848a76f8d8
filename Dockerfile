# The coderank image: one binary for every role (API, worker, migrations, CLI), the supervisor
# that workers hand to each sandbox, and the judge images' Dockerfiles for
# `coderank images build`. Build it with `scripts/image`, which compiles both binaries on the
# host and passes them in as dist/; docs/decisions.md says why the build is not a multi-stage one.
#
# It runs as the unprivileged user coderank (uid 10000), as the API should. A worker needs the
# Docker socket, which only root (or the socket's group) may use: run workers with `user: root`
# or the socket's gid (docker-compose.yml, deploy/k8s/).
#
# pandoc renders LaTeX statements to HTML when a package is imported (`coderank problem import`,
# the API's import), which runs in this image.
FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates pandoc \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10000 --user-group --home-dir /var/lib/coderank --create-home --shell /usr/sbin/nologin coderank
COPY dist/coderank dist/coderank-supervisor /usr/local/bin/
COPY dist/judge-images /usr/share/coderank/judge-images
ENV CODERANK_BIND=0.0.0.0:8080 \
    CODERANK_STORAGE=s3 \
    CODERANK_IMAGES_DIR=/usr/share/coderank/judge-images \
    CODERANK_CACHE_DIR=/var/lib/coderank/cache \
    CODERANK_SUPERVISOR=/usr/local/bin/coderank-supervisor
WORKDIR /var/lib/coderank
USER 10000:10000
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
CMD ["coderank", "serve"]
