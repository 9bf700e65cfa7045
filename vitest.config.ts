import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: ["./test/setup/no-console.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
