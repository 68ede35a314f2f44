# wattledger: one image for every role (`serve --role api|ingest|jobs|all`) and for the CLI
# (`simulate`, `meters`, `broker-auth`). Build: docker build -t wattledger .

# --- build: dev dependencies, TypeScript compile, then prune to production dependencies ---------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 (spool, embedded stores) compiles from source when no prebuilt binary fits: toolchain here only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; native modules are rebuilt below.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

# --- runtime: production dependencies and compiled JavaScript, no compiler, non-root -------------------
FROM node:20-bookworm-slim AS runtime
# The memory settings of `npm start` (package.json "start", their one source; a test keeps these equal):
# a bounded JS heap and young generation, and glibc malloc returning large freed blocks at once and
# keeping two arenas. docs/operations.md "Memory settings" says why, with figures.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/var/lib/wattledger \
    NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=128" \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# DATA_DIR holds the ingest spool (mount a volume per ingest process); wattledger-auth is where
# `broker-auth` writes Mosquitto's files (a volume shared with the broker, see docker-compose.yml).
RUN mkdir -p /var/lib/wattledger /var/lib/wattledger-auth \
 && chown node:node /var/lib/wattledger /var/lib/wattledger-auth
USER node
EXPOSE 8080
# Liveness only (the process answers); orchestrators that want readiness probe /readyz instead.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve"]
