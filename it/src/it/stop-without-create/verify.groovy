def log = new File(basedir, 'build.log').text
assert log.contains('pgroup: pgroup:stop (stop-group) found no group created earlier in this build for <group>')
assert log.contains('run the create goal first')
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))

