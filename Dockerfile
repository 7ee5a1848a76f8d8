# The coderank image: one binary that serves the API (and, with later issues, judges).
# Build it with `scripts/image`, which compiles the binary on the host and passes it in as
# dist/coderank; docs/decisions.md says why the build is not a multi-stage one here.
FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY dist/coderank /usr/local/bin/coderank
ENV CODERANK_BIND=0.0.0.0:8080 \
    CODERANK_STORAGE=s3
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
CMD ["coderank", "serve"]
