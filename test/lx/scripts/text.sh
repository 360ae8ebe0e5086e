# Text tools: busybox applets in pipelines.
echo plain; echo -n no-newline; echo
printf '%s=%d %05.1f %x %c\n' answer 42 3.14159 255 Z
seq 1 10 | grep -v 5 | tr '\n' ' '; echo
seq 20 -3 1 | xargs -n 4 echo
printf 'b 2\na 1\nc 3\na 1\n' | sort | uniq -c
printf 'b 2\na 1\nc 3\n' | sort -k2 -n -r
echo "The quick brown fox" | sed -e 's/quick/slow/' -e 's/\(b[a-z]*\)/[\1]/'
printf 'x,1\ny,2\nz,3\n' | awk -F, '{ s += $2; n = n $1 } END { printf "%s %d %.2f\n", n, s, s / NR }'
printf 'one two\nthree four five\n' | wc
printf 'a:b:c\nd:e:f\n' | cut -d: -f2,3
seq 100 | head -n 3; seq 100 | tail -n 2
echo HELLO | tr 'A-Z' 'a-z' | tr -d l
yes repeat | head -n 3
echo 'line with  spaces' | awk '{ print NF, $2 }'
grep -n root /etc/passwd | head -1 | cut -d: -f1-3
printf '%s\n' banana apple cherry | sort -r | grep -E 'an|ch'
