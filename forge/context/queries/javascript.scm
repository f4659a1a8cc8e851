; Definitions
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (identifier) @name) @definition.class
; methods, and class fields holding a function (`handler = (e) => ...`): functions in a class are its methods
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.function
(field_definition
  property: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @definition.function

; References: calls (plain and method), constructed classes, base classes, JSX components, names passed on
(call_expression function: (identifier) @reference)
(call_expression function: (member_expression property: (property_identifier) @reference))
(new_expression constructor: (identifier) @reference)
(new_expression constructor: (member_expression property: (property_identifier) @reference))
(class_heritage (identifier) @reference)
(class_heritage (member_expression property: (property_identifier) @reference))
(member_expression object: (identifier) @reference)
(arguments (identifier) @reference)
(jsx_opening_element name: (identifier) @reference (#match? @reference "^[A-Z]"))
(jsx_self_closing_element name: (identifier) @reference (#match? @reference "^[A-Z]"))
(jsx_opening_element name: (member_expression property: (property_identifier) @reference))
(jsx_self_closing_element name: (member_expression property: (property_identifier) @reference))
