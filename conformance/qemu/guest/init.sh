#!/bin/sh
# oomkit QEMU guest /init (busybox sh). Mounts the pseudo filesystems and cgroup2 with the memory
# controller enabled, then serves the host over the serial console (ttyS0, no echo):
#   "@@run NAME", the case script's lines, "@@end"  ->  runs it, output, then "@@done NAME RC"
#   "@@off"                                         ->  powers the guest off
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
stty -echo -onlcr 2>/dev/null
echo "@@ready $(cat /proc/sys/kernel/osrelease) $(cut -d' ' -f1 /proc/uptime)"
while IFS= read -r line; do
  case "$line" in
    "@@run "*)
      name=${line#@@run }
      : > /tmp/run.sh
      while IFS= read -r l && [ "$l" != "@@end" ]; do printf '%s\n' "$l" >> /tmp/run.sh; done
      sh /tmp/run.sh < /dev/null 2>&1
      echo "@@done $name $?"
      ;;
    "@@off") poweroff -f ;;
  esac
done
poweroff -f
