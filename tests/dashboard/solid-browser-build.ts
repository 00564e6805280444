// Import this first in any test that needs Solid's reactivity. Vitest runs in Node, where `solid-js`
// resolves to its server build: there signals are plain values, memos never recompute and effects never run.
// vitest.config.ts sets no `browser` condition, and a `@vitest-environment` pragma only takes package names,
// so this registers a Node resolve hook that swaps the server builds for the browser ones. Vitest loads
// node_modules through Node's own loader, so the hook covers solid-js/store's own import of solid-js too.
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const url = resolved.url.replace(/\\/solid-js\\/(store\\/|web\\/)?dist\\/server\\.js$/, (_, sub) =>
    \`/solid-js/\${sub ?? ''}dist/\${sub === 'store/' ? 'store' : sub === 'web/' ? 'web' : 'solid'}.js\`);
  return { ...resolved, url };
}
`;

register(`data:text/javascript,${encodeURIComponent(hook)}`);
