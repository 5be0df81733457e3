# duban: one image for the API, the worker and the migration job
# (docker-compose.yml picks the command). Multi-stage: the build stage has the
# dev dependencies (vite, TypeScript types); the runtime stage has production
# dependencies, the built web UI and runs as the unprivileged `node` user.
# Runs TypeScript through tsx, as `npm start` does (no separate compile step).

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
ENV PRISMA_QUERY_ENGINE_LIBRARY=/dev/null PRISMA_SCHEMA_ENGINE_BINARY=/dev/null CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
COPY scripts/postinstall.mjs scripts/postinstall.mjs
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web && npm prune --omit=dev

FROM node:20.20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production TZ=Asia/Shanghai \
    API_HOST=0.0.0.0 METRICS_HOST=0.0.0.0 DUBAN_DATA_DIR=/var/lib/duban \
    PRISMA_QUERY_ENGINE_LIBRARY=/dev/null PRISMA_SCHEMA_ENGINE_BINARY=/dev/null CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /var/lib/duban && chown node:node /var/lib/duban
USER node
EXPOSE 3000 9464 9465
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.API_PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--import", "tsx", "api/server.ts"]
