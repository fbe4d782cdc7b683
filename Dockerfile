# CrowdAlpha server: REST + WebSocket API, the dashboard and the sandbox, as a non-root user.
# Build: docker build -t crowdalpha .        Run: see compose.yaml (PostgreSQL + Redis) and README "Production".

# ---- build: compile native addons (isolated-vm, better-sqlite3), TypeScript and the dashboard ----
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json vitest.config.ts ./
COPY packages ./packages
COPY scripts ./scripts
COPY examples ./examples
# `npm ci` runs the root `prepare` script (tsc -b of engine, sandbox, server, cli).
RUN npm ci \
 && npm run build -w packages/web \
 && npm prune --omit=dev

# ---- runtime: only what the server needs, owned by the unprivileged `node` user ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATABASE_URL=sqlite:/data/crowdalpha.db \
    CROWDALPHA_LOG_FORMAT=json
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/packages ./packages
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
# Alive = the process answers /health (the store is checked too); /ready adds "the market ticks".
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Serving on 0.0.0.0 needs an API key in the store first (or CROWDALPHA_ALLOW_OPEN=true): see README.
CMD ["node", "packages/cli/dist/bin.js", "serve"]
