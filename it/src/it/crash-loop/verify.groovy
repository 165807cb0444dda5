def log = new File(basedir, 'build.log').text
assert log.contains('process "doomed"')
assert log.contains('marker-5b1e') : 'the failure carries the log tail of the failing process'
assert log.contains("the group's files are kept in")
// Fast: runit restarts every second; start must not wait out its 60 s deadline.
def m = log =~ /Total time:\s+([0-9.]+) s/
assert m.find() && Double.parseDouble(m.group(1)) < 30 : 'start failed fast'
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))

