# The shell itself: functions, subshells, redirections, loops, jobs.
greet() { local who=$1; echo "hi $who (${#who} letters)"; return 3; }
greet world; echo "status $?"
x=outer; (x=inner; echo "sub $x"); echo "main $x"
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); printf '%d ' $i; done; echo
for w in alpha beta gamma; do case $w in a*) echo "$w starts with a";; *) echo "$w other";; esac; done
d=$(mktemp -d)
echo first > $d/f; echo second >> $d/f; cat < $d/f
ls /nonexistent 2> $d/err; echo "ls status $?"; grep -c 'No such' $d/err
{ echo grouped; echo out; } | sed 's/^/> /'
cat <<END
here-doc $x $((2 * 21))
END
false && echo never || echo "or-branch"
echo $(( (7 + 3) * 4 / 2 % 7 ))
sleep 0 & pid=$!; wait $pid; echo "job waited $?"
( exit 4 ) ; echo "subshell exit $?"
trap 'echo trapped' USR1; kill -USR1 $$; echo after-trap
set -- a b c; echo "$# args: $*"; shift; echo "$1"
rm -r $d; [ -d $d ] || echo cleaned
