; Definitions
(function_declaration name: (identifier) @name) @definition.function
(method_declaration
  receiver: (parameter_list (parameter_declaration type: [(type_identifier) @qualifier
                                                          (pointer_type (type_identifier) @qualifier)
                                                          (generic_type type: (type_identifier) @qualifier)
                                                          (pointer_type (generic_type type: (type_identifier) @qualifier))]))
  name: (field_identifier) @name) @definition.method
; a struct's or interface's signature stops at its body: `Circle struct`, `Shape interface`
(type_spec name: (type_identifier) @name type: (struct_type (field_declaration_list) @body)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type "{" @body)) @definition.interface
(type_spec
  name: (type_identifier) @name
  type: [
    (type_identifier) (qualified_type) (generic_type) (pointer_type) (array_type) (slice_type)
    (map_type) (channel_type) (function_type) (parenthesized_type) (negated_type)
  ]) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
; an interface's methods: functions inside an interface become its methods
(method_elem name: (field_identifier) @name) @definition.function
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))

; References: calls (plain and pkg.Func / value.Method), types in type positions, names passed on
(call_expression function: (identifier) @reference)
(call_expression function: (selector_expression field: (field_identifier) @reference))
(selector_expression operand: (identifier) @reference)
(argument_list (identifier) @reference)
(qualified_type name: (type_identifier) @reference)
(generic_type type: (type_identifier) @reference)
(type_elem (type_identifier) @reference)
(parameter_declaration type: (type_identifier) @reference)
(variadic_parameter_declaration type: (type_identifier) @reference)
(field_declaration type: (type_identifier) @reference)
(pointer_type (type_identifier) @reference)
(slice_type element: (type_identifier) @reference)
(array_type element: (type_identifier) @reference)
(map_type key: (type_identifier) @reference)
(map_type value: (type_identifier) @reference)
(channel_type value: (type_identifier) @reference)
(function_declaration result: (type_identifier) @reference)
(method_declaration result: (type_identifier) @reference)
(method_elem result: (type_identifier) @reference)
(function_type result: (type_identifier) @reference)
(composite_literal type: (type_identifier) @reference)
(var_spec type: (type_identifier) @reference)
(const_spec type: (type_identifier) @reference)
(type_spec type: (type_identifier) @reference)
(type_alias type: (type_identifier) @reference)
(type_conversion_expression type: (type_identifier) @reference)
(type_assertion_expression type: (type_identifier) @reference)
(type_case type: (type_identifier) @reference)
(type_constraint (type_identifier) @reference)
