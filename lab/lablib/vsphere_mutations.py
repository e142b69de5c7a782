"""Hostile vSphere replies: named mutations of a method's result, applied by
the `mutate` fault action (labctl fault add vsphere METHOD mutate --arg NAME).
Each one is a reply a broken or malicious server could send; a mutation that
does not apply to the method's result leaves it unchanged, so a rule on '*'
only touches the replies it names."""
from .soapxml import DO, Arr, Any, Long

INT64_MAX = (1 << 63) - 1


def _dynamic_properties(result):
    """Every DynamicProperty of a RetrieveResult (or ObjectContent array)."""
    objs = []
    if isinstance(result, DO) and result.type == "RetrieveResult":
        objs = result.get("objects").items
    elif isinstance(result, Arr) and result.item == "ObjectContent":
        objs = result.items
    for o in objs:
        ps = o.get("propSet")
        for p in (ps.items if ps else []):
            yield o, p


def _no_instance_uuid(result, ctx):
    for o, p in list(_dynamic_properties(result)):
        if p.get("name") == "config.instanceUuid":
            o.fields["propSet"].items.remove(p)
    return result


def _huge_capacity(result, ctx):
    # Only capacityInKB, as old hosts send it, and so big that KB * 1024
    # does not fit in 64 bits.
    for _, p in _dynamic_properties(result):
        if p.get("name") != "config.hardware.device":
            continue
        val = p.get("val")
        devs = val.value if isinstance(val, Any) else val
        for d in devs.items:
            if isinstance(d, DO) and d.type == "VirtualDisk":
                d.fields.pop("capacityInBytes", None)
                d.fields["capacityInKB"] = Long(1 << 60)
    return result


def _endless_token(result, ctx):
    # Every page says "more to come": the next page is this one again.
    if isinstance(result, DO) and result.type == "RetrieveResult":
        result.fields["token"] = ctx["register_token"](result.get("objects").items)
    return result


def _huge_length(result, ctx):
    # The reply claims to cover the rest of a 2^63-byte disk.
    if isinstance(result, DO) and result.type == "DiskChangeInfo":
        result.fields["length"] = Long(INT64_MAX)
    return result


def _huge_area(result, ctx):
    # A changed area reaching past the disk (and past 2^63 from its start).
    if isinstance(result, DO) and result.type == "DiskChangeInfo":
        start = result.get("startOffset").value
        area = DO("DiskChangeExtent", start=Long(start), length=Long((INT64_MAX - 511) // 512 * 512))
        result.fields["changedArea"] = Arr("DiskChangeExtent", [area])
    return result


MUTATIONS = {
    "no-returnval": lambda result, ctx: None,
    "no-instance-uuid": _no_instance_uuid,
    "huge-capacity": _huge_capacity,
    "endless-token": _endless_token,
    "huge-length": _huge_length,
    "huge-area": _huge_area,
}


def mutate(name, result, ctx):
    """RESULT changed by mutation NAME; CTX gives the server's hooks
    ("register_token": objects -> continuation token)."""
    fn = MUTATIONS.get(name)
    if fn is None:
        raise ValueError("unknown vSphere mutation %r (known: %s)" % (name, ", ".join(sorted(MUTATIONS))))
    return fn(result, ctx)
