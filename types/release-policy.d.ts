// The validated release policy, inlined by infra/esbuild-plugins.cjs.
declare module '*release-policy.yml' {
  const policy: import('../shared/release-policy').ReleasePolicy;
  export default policy;
}
