"""A Glance v2 with no images.  openstackclient looks the image endpoint up
for `volume create` and `server show` even when no image is involved, so
the catalog needs one; nothing in the lab stores images."""
from .openstack_common import ApiError

PREFIX = "/image"


def _doc(base, vid, status):
    return {"id": vid, "status": status,
            "links": [{"rel": "self", "href": base + "/image/v2/"}]}


def versions(req):
    base = req.base
    return 300, {"versions": [_doc(base, "v2.16", "CURRENT"), _doc(base, "v2.15", "SUPPORTED"),
                              _doc(base, "v2.0", "SUPPORTED")]}


def list_images(req):
    return 200, {"images": [], "schema": "/v2/schemas/images", "first": "/v2/images"}


def show_image(req, iid):
    raise ApiError(404, "No image found with ID %s" % iid)


ROUTES = [
    ("GET", r"/?", versions, False),
    ("GET", r"/v2/?", versions, False),
    ("GET", r"/v2/images", list_images, True),
    ("GET", r"/v2/images/(?P<iid>[^/]+)", show_image, True),
]
