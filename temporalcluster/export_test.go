package temporalcluster

// SQLConfig exposes sqlConfig to the tests.
var SQLConfig = sqlConfig
