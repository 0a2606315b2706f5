import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { transformFileSync } from '@swc/core';

/**
 * Compiles the library sources to CommonJS in `outDir`, so that a plain Node child process,
 * outside Jest, can load it.
 */
export function compileLibrary(outDir: string): string {
  const srcDir = path.join(__dirname, '..', 'src');

  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(srcDir).filter((name) => name.endsWith('.ts'))) {
    const { code } = transformFileSync(path.join(srcDir, file), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });

    writeFileSync(path.join(outDir, file.replace(/\.ts$/, '.js')), code);
  }

  return path.join(outDir, 'index.js');
}
