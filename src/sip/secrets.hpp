// Credentials and keys that traces carry and tickets must not: NTLM/Kerberos/
// TLS-DSK signatures (response, rspauth, crand, srand, gssapi-data), Basic
// credentials and SRTP master keys (a=crypto ... inline:KEY, and the older
// SDP k=base64:KEY that OCS 2007 clients send).
#pragma once

#include <string>
#include <string_view>

namespace sipsleuth::sip {

inline constexpr std::string_view kMasked = "[masked]";

// Returns `text` with every secret value replaced by kMasked. Structure,
// quotes and everything else are kept so the message still reads naturally.
std::string mask_secrets(std::string_view text);

// True when mask_secrets would change `text`; lets callers skip the copy.
bool contains_secrets(std::string_view text);

}  // namespace sipsleuth::sip
