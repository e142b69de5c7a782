#ifndef VMIGRATE_LIB_XML_H
#define VMIGRATE_LIB_XML_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stdint.h>

/* Helpers over libxml2 trees (vim25 replies) and for writing XML text (the
 * converter's libvirt XML).  Element matching is by local name (replies put
 * vim25 elements in the default namespace); xsi:type is resolved through
 * the namespace it is bound to, whatever prefix the server chose.
 * Thread-safe: each call only reads the tree or string it is given. */

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* First element child of NODE named NAME, or NULL. */
xmlNode *xml_child (const xmlNode *node, const char *name);

/* Next element sibling after CUR with the same name as CUR, or NULL. */
xmlNode *xml_next_same (const xmlNode *cur);

/* Text content of NODE (malloc'd; "" when empty), or NULL for NULL. */
char *xml_text (const xmlNode *node);

/* Text of child NAME (malloc'd), or NULL when absent. */
char *xml_child_text (const xmlNode *node, const char *name);

/* Child NAME parsed as a signed 64-bit integer.  Returns false when absent
 * or not a number. */
bool xml_child_int64 (const xmlNode *node, const char *name, int64_t *out);

/* Child NAME as boolean ("true"/"1"); DEFAULT_ when absent. */
bool xml_child_bool (const xmlNode *node, const char *name, bool default_);

/* Local part of the node's xsi:type (e.g. "VirtualDisk" for
 * xsi:type="vim25:VirtualDisk"), malloc'd; NULL when absent. */
char *xml_xsi_type (const xmlNode *node);

/* Escape text for an XML element body (malloc'd). */
char *xml_escape (const char *s);

#endif
