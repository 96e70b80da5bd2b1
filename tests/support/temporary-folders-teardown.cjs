module.exports = require('./temporary-folders.cjs').teardown;
