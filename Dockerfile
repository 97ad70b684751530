# Multi-stage build of the CSP Hub API.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin csp-hub

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /data csp \
    && mkdir -p /data && chown csp /data
COPY --from=build /src/target/release/csp-hub /usr/local/bin/csp-hub
USER csp
WORKDIR /data
ENV CSP_LISTEN=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
# `serve` applies pending migrations before it starts listening.
ENTRYPOINT ["csp-hub"]
CMD ["serve"]
