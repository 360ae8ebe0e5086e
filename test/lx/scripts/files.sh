# Files: find, tar, gzip, checksums, ls, in a private temporary directory.
d=$(mktemp -d); cd $d
mkdir -p src/a src/b
echo alpha > src/a/one.txt; echo beta > src/b/two.txt; seq 1 500 > src/nums
ln -s a/one.txt src/link
find src -type f | sort
find src -name '*.txt' | sort | xargs cat
tar -cf arch.tar src; tar -tf arch.tar | sort
mkdir out; tar -xf arch.tar -C out; cmp src/nums out/src/nums && echo tar-roundtrip
gzip -c src/nums > nums.gz; gunzip -c nums.gz | tail -n 1
sha256sum src/nums out/src/nums | cut -d' ' -f1 | uniq -c
md5sum src/a/one.txt | cut -d' ' -f1
ls -a src | tr '\n' ' '; echo
wc -l < src/nums
du -s src >/dev/null && echo du-ok
cd /; rm -rf $d; echo done
