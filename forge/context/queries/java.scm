; Definitions: every method and constructor is a method, wherever it sits (anonymous classes included)
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
; constants: static final fields, and every field of an interface
; (the declarator is the definition, so that `static final int A = 1, B = 2;` yields both)
(field_declaration
  (modifiers "static" "final")
  declarator: (variable_declarator name: (identifier) @name) @definition.constant)
(field_declaration
  (modifiers "final" "static")
  declarator: (variable_declarator name: (identifier) @name) @definition.constant)
(constant_declaration declarator: (variable_declarator name: (identifier) @name) @definition.constant)

; References: calls, receivers, constructed and named types, annotations, names passed on
(method_invocation name: (identifier) @reference)
(method_invocation object: (identifier) @reference)
(field_access object: (identifier) @reference)
(method_reference (identifier) @reference)
(argument_list (identifier) @reference)
(type_identifier) @reference
(marker_annotation name: (identifier) @reference)
(annotation name: (identifier) @reference)
