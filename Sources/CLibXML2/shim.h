// libxml2 built with ICU includes ICU's headers from libxml/encoding.h; Foundation on Linux
// carries its own copy of ICU's headers, and a module that sees both fails to build. tabconv
// uses no ICU-specific libxml2 API (the ICU fields sit only in xmlCharEncodingHandler, which it
// handles by pointer), so the ICU part of libxml2's headers is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
