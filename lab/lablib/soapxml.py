"""Typed vim25 values and their SOAP/XML serialization, the way vCenter
writes them: data objects carry xsi:type, anyType values carry xsi:type
(xsd:string, ArrayOfVirtualDevice, ManagedObjectReference, ...)."""
import time
from xml.sax.saxutils import escape, quoteattr

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SOAPENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"


class DO:
    """A data object of vim25 type `type`; fields keep their given order."""

    def __init__(self, type_, **fields):
        self.type = type_  # WSDL type name
        self.fields = {k: v for k, v in fields.items() if v is not None}  # set fields

    def get(self, name):
        return self.fields.get(name)


class Arr:
    """An array of `item` type (e.g. VirtualDevice, ManagedObjectReference)."""

    def __init__(self, item, items):
        self.item = item  # WSDL item type
        self.items = list(items)  # the values


class Mo:
    """A ManagedObjectReference."""

    def __init__(self, type_, value):
        self.type, self.value = type_, value

    def __eq__(self, other):
        return isinstance(other, Mo) and (self.type, self.value) == (other.type, other.value)

    def __hash__(self):
        return hash((self.type, self.value))


class Prim:
    """A primitive with an explicit XML Schema type (long, int, dateTime...)."""

    def __init__(self, xsd, value):
        self.xsd, self.value = xsd, value


class Enum:
    """An enumerated value of vim25 type `type`."""

    def __init__(self, type_, value):
        self.type, self.value = type_, value


class Any:
    """Marks a field declared xsd:anyType: its value is written with xsi:type."""

    def __init__(self, value):
        self.value = value


def Long(n):
    return Prim("long", int(n))


def DateTime(t):
    return Prim("dateTime", time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
                + ".%03dZ" % int((t % 1) * 1000))


class Writer:
    """Serializes values with configurable namespace prefixes (real servers
    differ: clients must resolve prefixes, not match literal text)."""

    def __init__(self, xsi="xsi", xsd="xsd"):
        self.xsi, self.xsd = xsi, xsd

    def _prim_text(self, v):
        if isinstance(v, bool):
            return "xsd:boolean", "true" if v else "false"
        if isinstance(v, Prim):
            if isinstance(v.value, bool):
                return "xsd:" + v.xsd, "true" if v.value else "false"
            return "xsd:" + v.xsd, str(v.value)
        if isinstance(v, int):
            return "xsd:int", str(v)
        return "xsd:string", str(v)

    def _xtype(self, t):
        if t.startswith("xsd:"):
            t = self.xsd + ":" + t[4:]
        return ' %s:type="%s"' % (self.xsi, t)

    def value(self, name, v, anytype=False):
        """One element (or, for an array field, repeated elements)."""
        if v is None:
            return ""
        if isinstance(v, Any):
            return self.value(name, v.value, anytype=True)
        if isinstance(v, Arr):
            if anytype:
                inner = "".join(self.value(v.item, x) for x in v.items)
                return "<%s%s>%s</%s>" % (name, self._xtype("ArrayOf" + _cap(v.item)), inner, name)
            return "".join(self.value(name, x) for x in v.items)
        if isinstance(v, DO):
            body = "".join(self.value(k, x) for k, x in v.fields.items())
            return "<%s%s>%s</%s>" % (name, self._xtype(v.type), body, name)
        if isinstance(v, Mo):
            xt = self._xtype("ManagedObjectReference") if anytype else ""
            return "<%s type=%s%s>%s</%s>" % (name, quoteattr(v.type), xt, escape(v.value), name)
        if isinstance(v, Enum):
            xt = self._xtype(v.type) if anytype else ""
            return "<%s%s>%s</%s>" % (name, xt, escape(v.value), name)
        t, text = self._prim_text(v)
        xt = self._xtype(t) if anytype else ""
        return "<%s%s>%s</%s>" % (name, xt, escape(text), name)

    def envelope(self, body):
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" '
                'xmlns:soapenv="%s" xmlns:%s="%s" xmlns:%s="%s">\n<soapenv:Body>\n%s\n'
                '</soapenv:Body>\n</soapenv:Envelope>' % (
                    SOAPENV_NS, self.xsd, XSD_NS, self.xsi, XSI_NS, body)).encode()

    def response(self, method, result):
        inner = self.value("returnval", result) if result is not None else ""
        return self.envelope('<%sResponse xmlns="urn:vim25">%s</%sResponse>'
                             % (method, inner, method))

    def fault(self, fault_type, message, fields):
        """A SOAP fault as vCenter sends it: detail/<TypeFault xsi:type=Type>."""
        body = "".join(self.value(k, v) for k, v in fields.items())
        return self.envelope(
            "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>"
            "<faultstring>%s</faultstring><detail><%sFault xmlns=\"urn:vim25\"%s>%s</%sFault>"
            "</detail></soapenv:Fault>" % (escape(message), fault_type,
                                           self._xtype(fault_type), body, fault_type))


def _cap(s):
    return s[0].upper() + s[1:]
