# syntax=docker/dockerfile:1
#
# vmagent-deno as one self-contained binary on a minimal glibc base.
#
#   docker build -t vmagent-deno:0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/vmagent-deno:0.1.0 --push .
#
# The build stage runs on the build machine's platform and cross-compiles for the target
# platform (deno compile --target), so multi-arch builds need no emulation. The permission
# flags given to deno compile are those of `deno task start` (-P=agent: the "agent" set in
# deno.json), so the binary has exactly the rights the agent has when run from source.
# The scrape Workers' module is loaded with new Worker(), which deno compile does not follow:
# --include embeds it.

ARG DENO_VERSION=2.9.6

FROM --platform=$BUILDPLATFORM denoland/deno:${DENO_VERSION} AS build
ARG TARGETARCH
WORKDIR /src
COPY deno.json deno.lock ./
COPY main.ts ./
COPY app/ app/
COPY lib/ lib/
RUN case "${TARGETARCH:-amd64}" in \
      amd64) target=x86_64-unknown-linux-gnu ;; \
      arm64) target=aarch64-unknown-linux-gnu ;; \
      *) echo "unsupported TARGETARCH=${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && deno compile --frozen -P=agent --include lib/scrape/scrape_worker.ts --target "${target}" \
      --output /out/vmagent-deno main.ts

# Deno binaries link against glibc: distroless/cc has it, and nothing else (no shell).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/vmagent-deno /usr/local/bin/vmagent-deno
# The default -remoteWrite.tmpDataPath is relative to the working directory.
WORKDIR /home/nonroot
# V8 sizes its heap limit from the host's RAM unless told to read the container's memory
# limit (cgroups v1 or v2); with it, the heap limit is half the container's limit.
ENV DENO_USE_CGROUPS=1
USER nonroot
EXPOSE 8429
ENTRYPOINT ["/usr/local/bin/vmagent-deno"]
