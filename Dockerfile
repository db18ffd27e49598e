# syntax=docker/dockerfile:1
# Node 24: the current LTS (package.json engines: ^20.19.0 || >=22.12.0)
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 PROCESS_ROLE=all
RUN apt-get update && apt-get install -y --no-install-recommends iptables ipset nftables iproute2 curl tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/models ./models
COPY --from=build --chown=node:node /app/package.json ./package.json
# uploaded CSV files and trained models (volumes shared by the API and worker containers) belong to the app user
RUN mkdir -p /app/data/imports /app/data/models && chown -R node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/health/live" || exit 1
# tini forwards SIGTERM to node, whose graceful shutdown ends within SHUTDOWN_TIMEOUT_MS (30 s by default)
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
