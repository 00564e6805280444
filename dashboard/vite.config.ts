// Builds the dashboard into dashboard/dist, which the monitor serves; `vite --config dashboard/vite.config.ts`
// serves it with hot reload and forwards the API and socket.io to a monitor on the default port.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const root = fileURLToPath(new URL('.', import.meta.url));
const monitor = 'http://127.0.0.1:4640';

export default defineConfig({
  root,
  plugins: [solid()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // ECharts (with zrender) is most of the bundle and changes only with its version: its own chunk stays
        // cached across dashboard releases and keeps the app chunk small.
        codeSplitting: { groups: [{ name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ }] },
      },
    },
    // The modular ECharts chunk (core + three series + seven components + canvas) measures ~625 kB minified; it loads
    // after the first paint (chart.ts imports it dynamically).
    chunkSizeWarningLimit: 650,
  },
  server: {
    proxy: {
      '/api': monitor,
      '/socket.io': { target: monitor, ws: true },
    },
  },
});
