// Runs the packages' real bin scripts from the TypeScript sources: a bin imports `../dist/...js` (the compiled
// build); this loader hook sends that import to `../src/...ts` instead (tsx compiles it), so tests exercise
// the bin files exactly as shipped without a build. Use: node --import tsx --import <this file> <bin>.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (context.parentURL && /\\/packages\\/[^/]+\\/bin\\//.test(context.parentURL) && specifier.startsWith('../dist/')) {
    return next(specifier.replace('../dist/', '../src/').replace(/\\.js$/, '.ts'), context);
  }
  return next(specifier, context);
}
`),
  import.meta.url,
);
