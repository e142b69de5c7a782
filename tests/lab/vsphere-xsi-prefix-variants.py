"""Servers bind the XML Schema namespaces to different prefixes; with the lab
answering under ns7/ns8 instead of xsi/xsd, pyvmomi (which resolves
namespaces) still reads typed values, and the raw reply really uses ns7."""
import os
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from labtest import Lab, check, require_module, run  # noqa: E402


def main():
    require_module("pyVmomi")
    from pyVmomi import vim

    with Lab(tls=True) as lab:
        lab.ctl("vm-create", "ns01", "--disks", "8M")
        lab.ctl("fault", "set", "soap_xsi_prefix=ns7", "soap_xsd_prefix=ns8", "omit_capacity_bytes=1")
        req = urllib.request.Request(
            lab.env["VMIGRATE_VSPHERE_URL"], method="POST",
            data=b'<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
                 b'<soapenv:Body><RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">'
                 b'ServiceInstance</_this></RetrieveServiceContent></soapenv:Body></soapenv:Envelope>',
            headers={"Content-Type": "text/xml", "SOAPAction": "urn:vim25/8.0.2.0"})
        body = urllib.request.urlopen(req, context=lab.ssl_context()).read().decode()
        check('xmlns:ns7="http://www.w3.org/2001/XMLSchema-instance"' in body and 'ns7:type="AboutInfo"' in body,
              "reply binds XMLSchema-instance to ns7")
        vm = lab.connect().RetrieveContent().searchIndex.FindByInventoryPath("DC/vm/ns01")
        disks = [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)]
        check(len(disks) == 1 and disks[0].capacityInBytes is None, "old-host shape: no capacityInBytes")
        check(disks[0].capacityInKB == 8192, "capacityInKB present")


run(main)
