# The two test hosts the kernel benchmarks run between (bench/kernel, bench/totp, bench/spa, bench/ops/knock-page-kernel.sh):
# a server and a client network namespace joined by one veth link, loopback up in both. Source it, then
#   netns_pair TAG     makes $srv (TAG-srv-PID) and $cli (TAG-cli-PID) with the link TAG-s (server) / TAG-c (client);
#                      addresses and "link up" are the script's own
#   netns_remove       ends every process left in them and removes both (call it from the script's cleanup)
#   S CMD... / C CMD...  runs CMD in the server / client namespace
srv="" cli="" sdev="" cdev=""

S() { ip netns exec "$srv" "$@"; }
C() { ip netns exec "$cli" "$@"; }

netns_pair() {
  local tag=$1
  srv="$tag-srv-$$" cli="$tag-cli-$$" sdev="$tag-s" cdev="$tag-c"
  ip netns add "$srv"
  ip netns add "$cli"
  ip link add "$sdev" type veth peer name "$cdev"
  ip link set "$sdev" netns "$srv"
  ip link set "$cdev" netns "$cli"
  S ip link set lo up
  C ip link set lo up
}

netns_remove() {
  local ns
  for ns in "$srv" "$cli"; do
    [ -n "$ns" ] || continue
    # Every process still in the namespace (a gateway started through "S ... &" is not the PID that $! names).
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}
