; Definitions
(function_definition name: (identifier) @name) @definition.function
(class_definition name: (identifier) @name) @definition.class
(module (expression_statement (assignment left: (identifier) @name) @definition.constant))

; References: what is called, its attribute calls, types, bases, decorators and names passed on
(call function: (identifier) @reference)
(call function: (attribute attribute: (identifier) @reference))
(type (identifier) @reference)
(argument_list (identifier) @reference)
(decorator (identifier) @reference)
(attribute object: (identifier) @reference)
