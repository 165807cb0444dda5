def log = new File(basedir, 'build.log').text
assert log.contains('pgroup: showing the logs of redis until stop')
// Lines of the process, prefixed with its name: from its start, and the one the IT made it write.
assert log =~ /\[INFO\] \[redis\] \S+ .*Ready to accept connections/
def during = log.indexOf('line-written-during-the-it')
assert during >= 0 : 'the line the IT made redis log was streamed into the build output'
assert log.substring(0, during).contains('[INFO] [redis] ')
assert during < log.indexOf('pgroup: stopped cache-')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))
