module.exports = require('./temporary-folders.cjs').setup;
