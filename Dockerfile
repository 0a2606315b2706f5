# syntax=docker/dockerfile:1.7
# One image per service, chosen at build time:
#
#   docker build --build-arg SERVICE=qbo -t qbsync/qbo .
#
# SERVICE is gateway, connectors, rules, qbo, qbd or sandbox. The image runs the service with
# `node entry.js`; `node services/<SERVICE>/dist/migrate.js` applies its database migrations
# (every service but the sandbox has them), which the Helm pre-upgrade Job runs.

ARG NODE_IMAGE=node:22-bookworm-slim

# Workspace manifests and the lockfile: npm ci needs every workspace that the lockfile lists.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/accounting/package.json libs/accounting/
COPY libs/contracts/package.json libs/contracts/
COPY libs/platform/package.json libs/platform/
COPY libs/testing/package.json libs/testing/
COPY services/connectors/package.json services/connectors/
COPY services/gateway/package.json services/gateway/
COPY services/qbd/package.json services/qbd/
COPY services/qbo/package.json services/qbo/
COPY services/rules/package.json services/rules/
COPY services/sandbox/package.json services/sandbox/
COPY e2e/package.json e2e/

# Builds the service and the workspaces it depends on.
FROM manifests AS build
ARG SERVICE
ENV TURBO_TELEMETRY_DISABLED=1
RUN test -n "${SERVICE}" || (echo "Set --build-arg SERVICE=gateway|connectors|rules|qbo|qbd|sandbox" >&2; exit 1)
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY turbo.json tsconfig.base.json ./
COPY libs libs
COPY services services
COPY fixtures fixtures
RUN test -f "services/${SERVICE}/package.json" || (echo "No service named ${SERVICE} in services/" >&2; exit 1)
RUN npx turbo run build --filter="@qbsync/${SERVICE}..."
# Collects what the runtime stage needs: each built workspace's package.json and dist, and for the
# sandbox the published sample payloads it serves.
RUN set -eu; \
    mkdir -p /out; \
    for dir in libs/* "services/${SERVICE}"; do \
      if [ -d "$dir/dist" ]; then \
        mkdir -p "/out/$dir"; \
        cp -r "$dir/package.json" "$dir/dist" "/out/$dir/"; \
      fi; \
    done; \
    if [ "${SERVICE}" = sandbox ]; then cp -r fixtures /out/fixtures; fi; \
    printf '%s\n' \
      "'use strict';" \
      "// Starts services/${SERVICE}; written at image build time so CMD needs no shell." \
      "require('./services/${SERVICE}/dist/main.js');" > /out/entry.js; \
    port_variable=HTTP_PORT; \
    if [ "${SERVICE}" = sandbox ]; then port_variable=SANDBOX_PORT; fi; \
    printf '%s\n' \
      "'use strict';" \
      "// Exits 0 when the service answers /health/live within 4 s; the HEALTHCHECK runs it." \
      "const url = 'http://127.0.0.1:' + process.env.${port_variable} + '/health/live';" \
      "fetch(url, { signal: AbortSignal.timeout(4000) }).then(" \
      "  (response) => process.exit(response.ok ? 0 : 1)," \
      "  () => process.exit(1)," \
      ");" > /out/healthcheck.js

# Production dependencies only, for the service's workspace and the workspaces it links.
FROM manifests AS production-dependencies
ARG SERVICE
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund --workspace="@qbsync/${SERVICE}"

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG UID=10001
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    SANDBOX_HOST=0.0.0.0 \
    SANDBOX_PORT=8080
RUN groupadd --system --gid "${UID}" qbsync \
    && useradd --system --uid "${UID}" --gid qbsync --no-create-home --shell /usr/sbin/nologin qbsync
WORKDIR /app
# The whole folder, so that nested node_modules inside workspaces come along; files stay owned
# by root, so the service cannot change its own code.
COPY --from=production-dependencies /app ./
COPY --from=build /out/ ./
USER ${UID}:${UID}
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "healthcheck.js"]
CMD ["node", "entry.js"]
