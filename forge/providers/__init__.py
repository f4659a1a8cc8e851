"""What forge knows about model providers outside a call: keys, local servers, availability."""
