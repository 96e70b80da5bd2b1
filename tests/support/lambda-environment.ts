// What Lambda sets in every function's environment and the code reads (before any module loads).
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
process.env.AWS_REGION ??= 'us-east-1';
