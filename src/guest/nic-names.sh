# Body of the NIC-name step vmigrate runs in the converted guest (virt-customize
# --run).  vmigrate prepends '#!/bin/sh' and the line macs='MAC MAC ...' (the
# VM's NIC MACs from vSphere, lower case, in vSphere order); see nic-names.c.
names=$( {
  cat /etc/network/interfaces /etc/network/interfaces.d/* 2>/dev/null |
    awk '$1 == "iface" || $1 == "auto" || $1 == "allow-hotplug" {for (i = 2; i <= NF; i++) print $i}' |
    awk '$1 != "inet" && $1 != "inet6"'
  sed -n 's/^[[:space:]]*Name=//p' /etc/systemd/network/*.network 2>/dev/null | tr ' ' '\n'
  sed -n 's/^[[:space:]]*interface-name=//p' /etc/NetworkManager/system-connections/* 2>/dev/null
  sed -n 's/^DEVICE=["]*\([^"]*\)["]*$/\1/p' /etc/sysconfig/network-scripts/ifcfg-* 2>/dev/null
  sed -n 's/^[[:space:]]*\([a-z][a-z0-9]*\):[[:space:]]*$/\1/p' /etc/netplan/*.yaml 2>/dev/null
} | grep -E '^(ens|eno|enp|eth)[0-9a-z]+$' | sort -u -V )
[ -n "$names" ] || { echo 'vmigrate: no configured interface names: nothing to pin'; exit 0; }
mkdir -p /etc/systemd/network /etc/udev/rules.d
rules=/etc/udev/rules.d/70-vmigrate-net-names.rules
echo '# vmigrate: interface names kept from VMware, by MAC address' > "$rules"
set -- $macs
for name in $names; do
  [ $# -gt 0 ] || break
  printf '[Match]\nMACAddress=%s\n\n[Link]\nName=%s\n' "$1" "$name" \
    > "/etc/systemd/network/10-vmigrate-$name.link"
  printf 'SUBSYSTEM=="net", ACTION=="add", ATTR{address}=="%s", NAME="%s"\n' "$1" "$name" >> "$rules"
  echo "vmigrate: interface $name pinned to MAC $1"
  shift
done
