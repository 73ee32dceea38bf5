// One linter for the code base: typescript-eslint's recommended rules, Next's plugin (React,
// hooks, a11y, Core Web Vitals), and eslint-config-prettier so formatting is Prettier's alone.
import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

const config = [
  { ignores: ["node_modules/**", ".next/**", "generated/**", "e2e/.artifacts/**", "next-env.d.ts"] },
  ...next,
  ...nextTs,
  prettier,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
];

export default config;
