// The Parameters and Secrets extension's layer, for serverless.yml: ${file(infra/extension-layer.cjs):arn}
// A layer is used only in its own region; a stack deployed elsewhere stops here, saying which param to set.
module.exports = async ({ resolveVariable }) => {
  const [arn, region, stage] = await Promise.all(['param:parametersSecretsExtensionLayer', 'self:provider.region', 'sls:stage'].map((name) => resolveVariable(name)));
  const layerRegion = arn.split(':')[3];
  // the local stage runs no layer: infra/local/parameter-store.ts answers the extension's requests
  if (stage !== 'local' && layerRegion !== region) {
    process.stderr.write(
      `\nThe Parameters and Secrets extension's layer (param parametersSecretsExtensionLayer) is ${layerRegion}'s: ${arn}\n` +
        `A function in ${region} can use ${region}'s only. Set it for ${region} from the list in\n` +
        '  https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html#ps-integration-lambda-extensions-add\n' +
        `for example: --param="parametersSecretsExtensionLayer=arn:aws:lambda:${region}:<account>:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:<version>"\n\n`,
    );
    process.exit(1);
  }
  return { arn };
};
