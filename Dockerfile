# aispend in a container: the compiled JavaScript run by node as a non-root user, the SQLite database
# on a volume. Build: docker build -t aispend .   Run: see docs/deploy.md (and docker-compose.yml).
# Everything the last stage runs is tested without Docker: test/build.test.ts builds dist/, starts
# `node dist/main.js` and runs this file's HEALTHCHECK command against it.

# 1. production dependencies only (better-sqlite3 and @napi-rs/canvas bring native binaries; the
#    full image has the compilers in case a prebuilt binary is not available)
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# 2. compile TypeScript to JavaScript (dev dependencies live only in this stage)
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 3. what runs: node, the compiled code, production dependencies; no tsx, no compilers
FROM node:20-bookworm-slim
# fonts for the digest chart's labels (the slim image has none)
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    DATABASE_PATH=/data/aispend.db \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml .env.example ./
COPY bin ./bin
# the database lives on a volume owned by the unprivileged `node` user of the base image
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) finishes requests in flight and closes the database cleanly
STOPSIGNAL SIGTERM
# a young generation of 32 MB: a batch's decoded telemetry dies young instead of being promoted and
# collected again (OTLP protobuf ingest +35% per CPU-second, less memory; docs/scale.md); the same
# flags as `npm start`
CMD ["node", "--max-semi-space-size=16", "dist/main.js"]
