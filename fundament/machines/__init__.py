"""Nodes for the lab and the workplace: locally built images, as containers or as machines with their own
kernel (user-mode Linux), built once here for both.

`fundament.machines.images` -- recipe-hashed Docker images:
    recipe = ImageRecipe(name="fundament/x", packages=[...], files={...}, setup="...", entrypoint=[...])
    reference = ensure_image(recipe)   # "fundament/x:<hash>", built (debootstrap + setup) only if missing

`fundament.machines.uml` -- the same root file system booted under user-mode Linux:
    reference = ensure_image(machine_recipe(recipe))   # "fundament/x-uml:<hash>"
    docker run -d --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN --device /dev/net/tun \\
        -e MACHINE_MEM=512M -e MACHINE_SYSCTLS="net.ipv4.ip_forward=1" \\
        -v ./id.pub:/machine/inject/root/.ssh/authorized_keys:ro \\
        --network NET --ip ADDRESS REFERENCE [guest command ...]
  - the guest runs the recipe's entry point + command (or the container's arguments) as PID 1 once booted;
    when that command ends, the guest and the container end with it;
  - the guest takes over the container's management address (eth0's IPv4 and default route), its
    interfaces eth0..ethN with their names and MAC addresses (containerlab's data interfaces: the guest
    boots once the CLAB_INTFS of them exist), its hostname and environment;
  - files below `INJECT_DIR` (/machine/inject) of the container are copied to the same path in the guest
    before the command starts (containerlab `binds:`, docker `-v`);
  - MACHINE_MGMT_DEFAULT=no keeps the default route off the management interface (a host that routes
    through its data ports); MACHINE_SYSCTLS are set in the guest's kernel;
  - data ports reach the guest through a tap each, so 802.1Q tags survive (a raw socket loses them);
  - `CAPABILITIES` and `DEVICES` are what the container needs (no --privileged); `machine_env()` builds the
    MACHINE_* variables; `uml_missing()` says why machines cannot run here (None when they can);
  - the guest's writes go to a copy-on-write layer in the container's memory: every start is a fresh boot
    of the image; docker stop/rm ends the guest at once.
  The guest kernel is Debian's 6.1 UML kernel with its modules (8021q, vrf, bonding, vxlan, bridge with
  vlan_filtering, nf_tables...), loaded on demand.
"""
