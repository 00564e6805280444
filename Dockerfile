# transferscope demo: trains the digits demo and serves the live dashboard on port 4640.
# Build: docker build -t transferscope .    Run: docker run --rm -p 4640:4640 transferscope
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so source edits reuse this layer. Dev dependencies are needed for the dashboard build.
COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund

COPY . .
RUN npm run build

# Inside a container the monitor must listen on all interfaces for -p to reach it; outside, it stays on loopback.
EXPOSE 4640
VOLUME ["/app/.transferscope"]
CMD ["node", "bin/transferscope.js", "demo", "--host", "0.0.0.0", "--port", "4640"]
