# syntax=docker/dockerfile:1.7
# One image recipe for every long-running Node app of the workspace (radar, journey-extractor,
# entity-extractor, lake-sink, fenx-simulator):
#   docker build -f docker/node-app.Dockerfile --build-arg APP=radar -t fenx/radar .
# Stages: deps (npm ci of the whole workspace) -> build (nx build: a webpack bundle plus a generated
# package.json naming just the app's dependencies) -> prod-deps (that package.json with the root
# lockfile, so every version is the locked one; production dependencies only) -> runtime (node:22-slim,
# the bundle and its production node_modules, user `node`). The lockfile Nx generates next to the
# bundle misses transitive entries, so `npm ci` cannot use it; `npm install` with the root lockfile can.
# No secret is baked in: every setting comes from the environment at run time.

ARG NODE_IMAGE=node:22-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM deps AS build
ARG APP
RUN test -n "${APP}" || (echo "build with --build-arg APP=<nx project>" >&2 && exit 1)
COPY . .
ENV NX_DAEMON=false NX_NO_CLOUD=true
RUN npx nx build "${APP}" && test -f "dist/apps/${APP}/main.js" && test -f "dist/apps/${APP}/package.json"

FROM ${NODE_IMAGE} AS prod-deps
ARG APP
WORKDIR /app
COPY --from=build /workspace/dist/apps/${APP}/package.json ./
COPY package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG APP
# The path the healthcheck asks: the pipeline apps serve /health/live (terminus), the simulator /health.
ARG HEALTH_PATH=/health/live
LABEL org.opencontainers.image.title="${APP}"
ENV NODE_ENV=production \
    PORT=3000 \
    HEALTH_PATH=${HEALTH_PATH}
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /workspace/dist/apps/${APP}/ ./
USER node
EXPOSE 3000
# node:22-slim has no curl: Node's own fetch asks the app's liveness endpoint on $PORT.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+process.env.HEALTH_PATH).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "main.js"]
