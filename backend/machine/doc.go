// Package machine reads a docker-machine store without the docker-machine
// binary and without its driver plugins.
//
// Every config.json format docker-machine ever wrote (ConfigVersion 0 to 3) is
// migrated in memory to the current shape, exactly as libmachine's
// host.MigrateHost does, but nothing is ever written back: docker-machine
// itself rewrites config.json (and leaves a config.json.bak) the first time it
// reads an old file, and an operator tool must not change a store it only
// looks at.
//
// The renderers (RenderEnv, RenderConfig, RenderURL, RenderIP, RenderInspect)
// reproduce the output of the matching docker-machine commands byte for byte,
// with two documented differences: they never run the TLS connection check
// docker-machine runs first, and the IP comes from config.json, where
// docker-machine asks some drivers (virtualbox, cloud drivers) live.
package machine
