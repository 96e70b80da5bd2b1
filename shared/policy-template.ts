// Apart from release-policy.ts, whose schema loads zod's full build: a function needs only these.
/** Placeholders a policy variable may use, filled in from the push or the promoted execution. */
export const TEMPLATE_KEYS = ['branch', 'commitId', 'shortCommitId', 'repository'] as const;
export const TEMPLATE = /\$\{([^}]*)\}/g;
export type TemplateContext = Partial<Record<(typeof TEMPLATE_KEYS)[number], string>>;
