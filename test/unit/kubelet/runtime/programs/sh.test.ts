// sh: table tests of scripts through a tmpdir-backed container, asserting stdout, stderr and status.
import t from 'tap';
import { testProcess, type TestProcessOptions } from '../../../../helpers/mock-process.js';

interface Case {
  name: string;
  script: string;
  out?: string;
  err?: string | RegExp;
  status?: number;
  opts?: Partial<TestProcessOptions>;
  /** Extra argv after the script: `sh -c script name args…`. */
  args?: string[];
}

const CASES: Case[] = [
  // Kubernetes docs: Jobs, "perl-free pi", loops, exit codes.
  { name: 'job echo', script: 'echo hello; echo done', out: 'hello\ndone\n' },
  { name: 'arithmetic', script: 'echo $((2+3)) $((7/2)) $((7%3)) $((2**10)) $((1<2)) $(( (1+2)*3 ))', out: '5 3 1 1024 1 9\n' },
  { name: 'arithmetic with variables and assignment', script: 'i=4; j=$((i*2)); : $((i+=1)); echo $i $j $((i>j)) $((x)) $((0x10 + 010))', out: '5 8 0 0 24\n' },
  { name: 'for loop', script: 'for i in 1 2 3; do echo $i; done', out: '1\n2\n3\n' },
  { name: 'exit status', script: 'exit 3', status: 3 },
  { name: 'last command status', script: 'true; false', status: 1 },
  { name: 'exit without number keeps $?', script: 'false; exit', status: 1 },
  { name: 'unknown command', script: 'nosuchcmd --flag; echo "status $?"', out: 'status 127\n', err: 'sh: nosuchcmd: not found\n' },
  { name: 'unknown command as last', script: 'nosuchcmd', status: 127, err: 'sh: nosuchcmd: not found\n' },
  // Quoting and expansions.
  { name: 'quotes', script: `echo 'a  $HOME' "b  $HOME" c\\ d "\\$x" 'it'"'"'s'`, out: 'a  $HOME b  /root c d $x it\'s\n' },
  { name: 'env expansion', script: 'echo $GREETING ${GREETING} "${GREETING}!"', out: 'hi there hi there hi there!\n', opts: { env: { GREETING: 'hi there' } } },
  { name: 'parameter defaults', script: 'e=; echo ${U:-d1} ${e:-d2} ${e-d3}x ${U+set}y ${HOME:+set} ${U:=assigned} $U', out: 'd1 d2 x y set assigned assigned\n' },
  { name: 'parameter error', script: 'echo ${MISSING:?is required}; echo unreached', status: 2, err: 'sh: MISSING: is required\n' },
  { name: 'prefix and suffix removal', script: 'f=/a/b/file.tar.gz; echo ${f##*/} ${f#*/} ${f%.*} ${f%%.*} ${#f}', out: 'file.tar.gz a/b/file.tar.gz /a/b/file.tar /a/b/file 16\n' },
  { name: 'command substitution', script: 'echo "host=$(hostname) n=`echo 5`"; x=$(echo a; echo b); echo "$x"', out: 'host=web-0 n=5\na\nb\n', opts: { hostname: 'web-0' } },
  { name: 'nested command substitution', script: 'echo $(echo $(echo deep))', out: 'deep\n' },
  { name: 'field splitting of unquoted expansions', script: 'v="a  b   c"; for w in $v; do echo "[$w]"; done; for w in "$v"; do echo "[$w]"; done', out: '[a]\n[b]\n[c]\n[a  b   c]\n' },
  { name: 'IFS splitting', script: 'IFS=:; v=x:y::z; set -- $v; echo $#', out: '4\n' },
  { name: 'positional parameters', script: 'echo "$0 $1 $2 $# [$@] [$*]"; shift; echo "$1"', args: ['myname', 'one', 'two'], out: 'myname one two 2 [one two] [one two]\ntwo\n' },
  { name: '"$@" keeps arguments', script: 'for a in "$@"; do echo "<$a>"; done', args: ['n', 'a b', '', 'c'], out: '<a b>\n<>\n<c>\n' },
  { name: 'special parameters', script: 'echo $$; false; echo $?', out: '1\n1\n', opts: { pid1: true } },
  { name: 'comments and newlines', script: '# leading comment\necho one # trailing\n\necho two;echo three', out: 'one\ntwo\nthree\n' },
  { name: 'line continuation', script: 'echo a \\\n  b', out: 'a b\n' },
  { name: 'tilde', script: 'echo ~ ~/x', out: '/root /root/x\n' },
  { name: 'glob', script: 'touch /tmp/a.log /tmp/b.log /tmp/c.txt; echo /tmp/*.log; echo /tmp/*.none; echo "/tmp/*.log"', out: '/tmp/a.log /tmp/b.log\n/tmp/*.none\n/tmp/*.log\n' },
  // Lists and pipelines.
  { name: 'and/or/negation', script: 'false || echo or; true && echo and; false && echo no; ! false && echo negated; ! true; echo $?', out: 'or\nand\nnegated\n1\n' },
  { name: 'pipe echo | wc -w', script: 'echo a b | wc -w', out: '2\n' },
  { name: 'three-stage pipe', script: 'printf "b\\na\\nb\\nc\\n" | sort | uniq -c', out: '      1 a\n      2 b\n      1 c\n' },
  { name: 'pipe status is the last stage', script: 'false | true; echo $?; true | false; echo $?', out: '0\n1\n' },
  { name: 'SIGPIPE ends an endless writer', script: 'yes | head -n 3', out: 'y\ny\ny\n' },
  { name: 'subshell does not change the parent', script: 'x=1; (x=2; cd /tmp; echo "in $x $(pwd)"); echo "out $x $(pwd)"', out: 'in 2 /tmp\nout 1 /\n' },
  { name: 'subshell exit status', script: '(exit 4); echo $?', out: '4\n' },
  { name: 'group with redirection', script: '{ echo a; echo b; } > /tmp/g; cat /tmp/g', out: 'a\nb\n' },
  { name: 'background and wait', script: 'echo bg > /tmp/bg & wait; cat /tmp/bg', out: 'bg\n' },
  // Redirections.
  { name: 'redirect > and >>', script: 'echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f; echo three > /tmp/f; cat /tmp/f', out: 'one\ntwo\nthree\n' },
  { name: 'redirect <', script: 'wc -l < /etc/motd', out: '2\n', opts: { files: { '/etc/motd': 'a\nb\n' } } },
  { name: '2>&1 into a pipe', script: 'cat /nope 2>&1 | tr a-z A-Z', out: "CAT: CAN'T OPEN '/NOPE': NO SUCH FILE OR DIRECTORY\n" },
  { name: '2>/dev/null', script: 'cat /nope 2>/dev/null; echo $?', out: '1\n', err: '' },
  { name: '>/dev/null and >&2', script: 'echo hidden >/dev/null; echo to-err >&2', out: '', err: 'to-err\n' },
  { name: 'redirect to missing directory', script: 'echo x > /no/dir/f; echo $?', out: '1\n', err: "sh: can't create /no/dir/f: nonexistent directory\n" },
  { name: 'redirect from missing file', script: 'cat < /nofile', status: 1, err: "sh: can't open /nofile: no such file\n" },
  { name: 'read-only file system', script: 'echo x > /config/f; touch /config/g; rm -f /config/app.conf', status: 1, err: "sh: can't create /config/f: Read-only file system\ntouch: /config/g: Read-only file system\nrm: can't remove '/config/app.conf': Read-only file system\n", opts: { files: { '/config/app.conf': 'k=v' }, readOnly: ['/config'] } },
  { name: 'here-document', script: 'cat <<EOF\nhome is $HOME\n$(echo sub)\nEOF\ncat <<\'RAW\'\n$HOME stays\nRAW', out: 'home is /root\nsub\n$HOME stays\n' },
  // Compound commands.
  { name: 'if/elif/else', script: 'for x in 1 5 9; do if [ $x -lt 3 ]; then echo low; elif [ $x -lt 7 ]; then echo mid; else echo high; fi; done', out: 'low\nmid\nhigh\n' },
  { name: 'while with counter', script: 'i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done', out: '1\n2\n3\n' },
  { name: 'until', script: 'n=0; until [ $n -ge 2 ]; do n=$((n+1)); done; echo $n', out: '2\n' },
  { name: 'break and continue', script: 'for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done', out: '1\n3\n' },
  { name: 'break 2', script: 'for i in a b; do for j in 1 2; do echo $i$j; break 2; done; done', out: 'a1\n' },
  { name: 'case', script: 'for f in app.log x.txt other; do case $f in *.log) echo log;; *.txt|*.md) echo text;; *) echo "? $f";; esac; done', out: 'log\ntext\n? other\n' },
  { name: 'while read', script: 'printf "a 1\\nb 2\\n" | while read k v; do echo "$v=$k"; done', out: '1=a\n2=b\n' },
  { name: 'functions with locals and return', script: 'x=g; f() { local x=l; echo "$1 $x"; return 5; }; f arg; echo "$? $x"', out: 'arg l\n5 g\n' },
  { name: 'set -e stops at a failure', script: 'set -e; echo before; false; echo after', out: 'before\n', status: 1 },
  { name: 'set -e ignores conditions', script: 'set -e; if false; then :; fi; false || true; ! true; echo survived', out: 'survived\n' },
  { name: 'sh -e option', script: 'false; echo no', status: 1, out: '', opts: { argv: ['sh', '-e', '-c', 'false; echo no'] } },
  { name: 'set -x traces', script: 'set -x; echo hi', out: 'hi\n', err: '+ echo hi\n' },
  { name: 'export to children', script: 'A=1; export B=2; C=3 printenv C; printenv A; printenv B', out: '3\n2\n' },
  { name: 'unset', script: 'A=1; unset A; echo "[${A-unset}]"', out: '[unset]\n' },
  { name: 'cd and pwd', script: 'mkdir -p /srv/app; cd /srv/app && pwd; cd ..; pwd; cd /nope; echo $?', out: '/srv/app\n/srv\n2\n', err: "sh: cd: can't cd to /nope: No such file or directory\n" },
  { name: 'eval', script: 'cmd="echo evaluated"; eval $cmd', out: 'evaluated\n' },
  { name: 'exec replaces the shell', script: 'exec echo from-exec; echo unreached', out: 'from-exec\n' },
  { name: 'EXIT trap', script: "trap 'echo bye' EXIT; echo hi; exit 2", out: 'hi\nbye\n', status: 2 },
  { name: 'test and [', script: '[ -f /etc/motd ] && echo file; [ -d /etc ] && echo dir; [ ! -e /nope ] && echo missing; [ -z "" -a -n x ] && echo strings; test 3 -ge 3 -o 1 = 2 && echo nums; [ abc != abd ] && echo ne', out: 'file\ndir\nmissing\nstrings\nnums\nne\n', opts: { files: { '/etc/motd': 'x' } } },
  { name: 'test bad number', script: '[ abc -eq 1 ]', status: 2, err: 'sh: abc: bad number\n' },
  { name: 'script file with arguments', script: '', opts: { argv: ['sh', '/run.sh', 'x'], files: { '/run.sh': 'echo "script $0 $1"\n' } }, out: 'script /run.sh x\n' },
  { name: 'script path as a command', script: '/bin/start.sh one', opts: { files: { '/bin/start.sh': '#!/bin/sh\necho "started $1"\n' } }, out: 'started one\n' },
  { name: 'script on stdin', script: '', opts: { argv: ['sh'], stdin: 'echo from stdin\nexit 7\n' }, out: 'from stdin\n', status: 7 },
  { name: 'syntax error', script: 'if true; then echo x', status: 2, err: 'sh: syntax error: unexpected end of file (expecting "fi")\n' },
  { name: 'syntax error on unexpected token', script: 'echo a; fi', status: 2, err: 'sh: syntax error: unexpected "fi"\n' },
  { name: 'divide by zero', script: 'echo $((1/0)); echo unreached', status: 2, err: 'sh: divide by zero\n' },
  { name: 'absolute command paths', script: '/bin/echo x; /usr/bin/env -i A=1 /bin/printenv A', out: 'x\n1\n' },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const argv = c.opts?.argv ?? ['/bin/sh', '-c', c.script, ...(c.args ?? [])];
    const proc = testProcess({ ...c.opts, argv });
    t.teardown(() => proc.cleanup());
    const status = await proc.run();
    t.equal(status, c.status ?? 0, 'status');
    if (c.out !== undefined) t.equal(proc.stdout(), c.out, 'stdout');
    if (c.err instanceof RegExp) t.match(proc.stderr(), c.err, 'stderr');
    else t.equal(proc.stderr(), c.err ?? '', 'stderr');
  });
}
